import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';
import { RedisServer, startRedis } from './helpers/redis-server';

const CREATE = `mutation Create($input: CreateImageInput!, $key: String) {
  createImage(input: $input, idempotencyKey: $key) { imageId requestId }
}`;
const writer = { 'x-api-key': KEYS.writer };

describe.each(['memory', 'redis'] as const)('idempotent createImage (%s store)', (store) => {
  let h: Harness;
  let redis: RedisServer | undefined;
  let keyCounter = 0;
  const freshKey = () => `key-${store}-${Date.now()}-${keyCounter++}`;
  const create = (input: Record<string, unknown>, key: string, headers = writer) => h.graphql(CREATE, { input, key }, headers);
  const customImagesNamed = async (name: string) =>
    (await h.graphql(`{ images(filter: { name: "${name}", type: CUSTOM_IMAGE }) { totalCount items { id } } }`, undefined, writer)).body.data!.images;

  beforeAll(async () => {
    if (store === 'redis') redis = await startRedis();
    h = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV, ...(redis && { REDIS_URL: redis.url }) });
  });
  afterAll(async () => {
    await h.close();
    await redis?.stop();
  });
  beforeEach(() => h.reset());

  it('answers a repeat with the first result and no new upstream call', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-fra-stopped', name: 'idem-repeat' };
    const first = await create(input, key);
    const second = await create(input, key);
    expect(first.body.errors).toBeUndefined();
    expect(second.body.data).toEqual(first.body.data);
    expect(h.simulator.callCount('CreateImage')).toBe(1);
  });

  it('creates exactly one image for ten concurrent calls with one fresh key, all answering its id', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-hkg-stopped', name: 'idem-concurrent' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => create(input, key)));
    const ids = new Set(answers.map((a) => a.body.data?.createImage?.imageId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^img-/);
    expect(new Set(answers.map((a) => a.body.data?.createImage?.requestId)).size).toBe(1);
    expect(h.simulator.callCount('CreateImage')).toBe(1);
    expect((await customImagesNamed('idem-concurrent')).totalCount).toBe(1);
  });

  it('refuses the same key with a different input', async () => {
    const key = freshKey();
    await create({ instanceId: 'ins-fra-stopped', name: 'idem-first' }, key);
    const reused = await create({ instanceId: 'ins-fra-stopped', name: 'idem-other' }, key);
    expect(reused.body.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(h.simulator.callCount('CreateImage')).toBe(1);
  });

  it('remembers a definitive refusal as that refusal', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-fra-running', name: 'idem-refused' };
    const first = await create(input, key);
    expect(first.body.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION' });
    h.simulator.setInstanceStatus('ins-fra-running', 'STOPPED');
    const again = await create(input, key);
    expect(again.body.errors![0].extensions).toMatchObject({
      code: 'FAILED_PRECONDITION',
      upstream: first.body.errors![0].extensions!.upstream,
    });
    expect(h.simulator.callCount('CreateImage')).toBe(1);
  });

  it('after an ambiguous failure that did create the image, finds it by name instead of creating another', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-tyo-stopped', name: 'idem-ambiguous' };
    h.simulator.injectFault('CreateImage', { kind: 'reset', afterApply: true }, 1);
    const lost = await create(input, key);
    expect(lost.body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
    const made = await customImagesNamed('idem-ambiguous');
    expect(made.totalCount).toBe(1);

    const retried = await create(input, key);
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.data!.createImage.imageId).toBe(made.items[0].id);
    expect(h.simulator.callCount('CreateImage')).toBe(1);
    expect((await customImagesNamed('idem-ambiguous')).totalCount).toBe(1);
  });

  it('after an ambiguous failure that did not create the image, creates it on the repeat', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-tyo-stopped', name: 'idem-lost' };
    h.simulator.injectFault('CreateImage', { kind: 'reset' }, 1);
    expect((await create(input, key)).body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
    const retried = await create(input, key);
    expect(retried.body.errors).toBeUndefined();
    expect(h.simulator.callCount('CreateImage')).toBe(2);
    expect((await customImagesNamed('idem-lost')).totalCount).toBe(1);
  });

  it('keeps keys apart per client', async () => {
    const key = freshKey();
    const first = await create({ instanceId: 'ins-fra-stopped', name: 'idem-per-client' }, key, writer);
    const second = await create({ instanceId: 'ins-hkg-stopped', name: 'idem-per-client' }, key, { 'x-api-key': KEYS.otherWriter });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data!.createImage.imageId).not.toBe(first.body.data!.createImage.imageId);
    expect(h.simulator.callCount('CreateImage')).toBe(2);
  });

  it('does not deduplicate creates sent without a key', async () => {
    await h.graphql(CREATE, { input: { instanceId: 'ins-fra-stopped', name: 'no-key' } }, writer);
    const second = await h.graphql(CREATE, { input: { instanceId: 'ins-fra-stopped', name: 'no-key' } }, writer);
    expect(second.body.errors![0].extensions!.code).toBe('FAILED_PRECONDITION'); // the disk is still being imaged
    expect(h.simulator.callCount('CreateImage')).toBe(2);
  });
});
