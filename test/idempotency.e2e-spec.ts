import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { GraphqlAnswer, Harness, startHarness, sent } from './helpers/harness';
import { RedisServer, startRedis } from './helpers/redis-server';

const CREATE = `mutation Create($input: CreateImageInput!, $key: String) {
  createImage(input: $input, idempotencyKey: $key) { imageId requestId }
}`;
const writer = { 'x-api-key': KEYS.writer };
const SETTLE_SECONDS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = GraphqlAnswer;

/**
 * A frontend's retry loop: repeats the create with the same key at once and again, honouring
 * retryable errors (but never waiting more than `pauseMs`), until it succeeds or fails for good.
 * Bounded in count and time.
 */
async function repeatUntilSettled(send: () => Promise<Answer>, pauseMs = 200, maxTries = 60): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < maxTries; i++) {
    const answer = await send();
    answers.push(answer);
    const code = answer.body.errors?.[0]?.extensions?.code;
    if (code !== 'UPSTREAM_UNAVAILABLE' && code !== 'RATE_LIMITED') return answers;
    await sleep(Math.min(pauseMs, 1000 * (answer.body.errors![0].extensions!.retryAfter ?? 1)));
  }
  throw new Error(`still not settled after ${maxTries} tries: ${JSON.stringify(answers.at(-1)?.body)}`);
}

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
    // ZENLAYER_TIMEOUT_MS is 1500 in the harness: a create may land up to 2 s after the gateway gave up on it.
    h = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV, IDEMPOTENCY_SETTLE_SECONDS: String(SETTLE_SECONDS), ...(redis && { REDIS_URL: redis.url }) });
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

  it('remembers a refusal the same input can never overcome (unknown instance, unsupported zone)', async () => {
    for (const instanceId of ['ins-does-not-exist', 'ins-sin-stopped']) {
      const key = freshKey();
      const input = { instanceId, name: 'idem-refused' };
      const first = await create(input, key);
      expect(first.body.errors![0].extensions!.code).toMatch(/^(NOT_FOUND|FAILED_PRECONDITION)$/);
      const again = await create(input, key);
      expect(again.body.errors![0]).toMatchObject({ message: first.body.errors![0].message, extensions: first.body.errors![0].extensions });
    }
    // An instance Zenlayer does not list has no zone to make an image in: refused before any CreateImage.
    expect(h.simulator.callCount('CreateImage')).toBe(1);
    expect(h.simulator.calls.filter((call) => call.action === 'CreateImage').map((call) => sent(call).instanceId)).toEqual(['ins-sin-stopped']);
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

  it('after an ambiguous failure that did not create the image, creates nothing during the settle window and creates it after', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-tyo-stopped', name: 'idem-lost' };
    h.simulator.injectFault('CreateImage', { kind: 'reset' }, 1);
    const lost = await create(input, key);
    expect(lost.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfter: expect.any(Number) });
    expect(lost.body.errors![0].message).toMatch(/repeat with the same idempotency key/);

    const early = await create(input, key);
    expect(early.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfter: expect.any(Number) });
    expect(early.body.errors![0].message).toMatch(/nothing new was created/);
    expect(h.simulator.callCount('CreateImage')).toBe(1);

    await sleep(SETTLE_SECONDS * 1000 + 100);
    const retried = await create(input, key);
    expect(retried.body.errors).toBeUndefined();
    expect(h.simulator.callCount('CreateImage')).toBe(2);
    expect((await customImagesNamed('idem-lost')).items).toEqual([{ id: retried.body.data!.createImage.imageId }]);
  });

  it('gives one image for a create that lands after the gateway gave up, however the client repeats', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-fra-stopped', name: 'idem-late' };
    // Zenlayer holds the call past the gateway's 1.5 s timeout and carries it out at 2.5 s.
    h.simulator.injectFault('CreateImage', { kind: 'delayed-write', ms: 2500 }, 1);
    const answers = await repeatUntilSettled(() => create(input, key));
    expect(answers[0].body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(answers.length).toBeGreaterThan(2); // repeats came while the first call was still to land

    const made = await customImagesNamed('idem-late');
    expect(made.totalCount).toBe(1);
    expect(h.simulator.callCount('CreateImage')).toBe(1);
    const successes = answers.filter((a) => !a.body.errors);
    expect(successes.length).toBeGreaterThan(0);
    for (const success of successes) expect(success.body.data!.createImage.imageId).toBe(made.items[0].id);
    // And the key now answers that image from its record.
    expect((await create(input, key)).body.data!.createImage.imageId).toBe(made.items[0].id);
  });

  it('gives one image when several repeats arrive together while the late create lands', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-hkg-stopped', name: 'idem-late-many' };
    h.simulator.injectFault('CreateImage', { kind: 'delayed-write', ms: 2500 }, 1);
    const clients = await Promise.all(Array.from({ length: 4 }, () => repeatUntilSettled(() => create(input, key))));
    const made = await customImagesNamed('idem-late-many');
    expect(made.totalCount).toBe(1);
    expect(h.simulator.callCount('CreateImage')).toBe(1);
    for (const answers of clients) expect(answers.at(-1)!.body.data!.createImage.imageId).toBe(made.items[0].id);
  });

  it('never hands back an older image that already had the name', async () => {
    const older = await h.graphql(CREATE, { input: { instanceId: 'ins-hkg-stopped', name: 'idem-same-name' } }, writer);
    const olderId = older.body.data!.createImage.imageId;
    const key = freshKey();
    const input = { instanceId: 'ins-tyo-stopped', name: 'idem-same-name' };
    h.simulator.injectFault('CreateImage', { kind: 'reset' }, 1); // lost, and not carried out
    const answers = await repeatUntilSettled(() => create(input, key));
    const created = answers.at(-1)!.body.data!.createImage.imageId;
    expect(created).not.toBe(olderId);
    expect(answers.every((a) => a.body.data?.createImage?.imageId !== olderId)).toBe(true);
    expect((await customImagesNamed('idem-same-name')).totalCount).toBe(2);
  });

  it('tries again after a refusal that was the gateway\'s own problem (its clock)', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-fra-stopped', name: 'idem-skew' };
    h.simulator.injectFault('CreateImage', { kind: 'error', status: 401, code: 'AUTHFAILURE_SIGNATURE_EXPIRED', message: 'Signature expired' }, 1);
    const refused = await create(input, key);
    expect(refused.body.errors![0].extensions!.code).toBe('UPSTREAM_ERROR');
    const retried = await create(input, key);
    expect(retried.body.errors).toBeUndefined();
    expect(h.simulator.callCount('CreateImage')).toBe(2);
    expect((await customImagesNamed('idem-skew')).totalCount).toBe(1);
  });

  it('tries again after a refusal a repeat may overcome (instance still running), not from memory', async () => {
    const key = freshKey();
    const input = { instanceId: 'ins-fra-running', name: 'idem-running' };
    expect((await create(input, key)).body.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION' });
    h.simulator.setInstanceStatus('ins-fra-running', 'STOPPED');
    const again = await create(input, key);
    expect(again.body.errors).toBeUndefined();
    expect(h.simulator.callCount('CreateImage')).toBe(2);
  });

  it('answers a settling repeat on REST with 503 and Retry-After, and then the one image', async () => {
    const key = freshKey();
    const post = () =>
      fetch(`${h.gateway.url}/v1/images`, {
        method: 'POST',
        headers: { ...writer, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ instanceId: 'ins-tyo-stopped', name: 'idem-rest-late' }),
      });
    h.simulator.injectFault('CreateImage', { kind: 'delayed-write', ms: 2500 }, 1);
    const first = await post();
    expect(first.status).toBe(504);
    const early = await post();
    expect(early.status).toBe(503);
    expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await early.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', detail: expect.stringMatching(/nothing new was created/) });
    let created: Response | undefined;
    for (let i = 0; i < 30 && created === undefined; i++) {
      await sleep(200);
      const answer = await post();
      if (answer.status === 201) created = answer;
      else expect(answer.status).toBe(503);
    }
    const made = await customImagesNamed('idem-rest-late');
    expect(made.totalCount).toBe(1);
    expect(await created!.json()).toMatchObject({ imageId: made.items[0].id });
    expect(h.simulator.callCount('CreateImage')).toBe(1);
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
