import { ZenlayerSimulator } from '../src/simulator';
import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { eventually, sent } from './helpers/harness';
import { GatewayProcess, runGatewayProcess, upstreamEnv } from './helpers/process';
import { RedisServer, startRedis } from './helpers/redis-server';

/** The environment of a replica in production mode, sharing the given simulator and Redis. */
const replicaEnv = (upstream: string, redisUrl: string, extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  ...upstreamEnv(upstream),
  GATEWAY_API_KEYS: API_KEYS_ENV,
  REDIS_URL: redisUrl,
  ...extra,
});

/** Two gateway processes sharing one Redis and one simulator, as replicas behind a Service. */
describe('two replicas sharing Redis', () => {
  jest.setTimeout(90_000);
  const simulator = new ZenlayerSimulator({ imageReadyDelayMs: 500 });
  let redis: RedisServer;
  const replicas: GatewayProcess[] = [];
  const urls: string[] = [];

  const graphql = async (replica: number, query: string, headers: Record<string, string> = { 'x-api-key': KEYS.writer }, variables?: object) => {
    const response = await fetch(urls[replica], {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> } };
  };
  const ready = async (replica: number) => (await fetch(urls[replica].replace('/graphql', '/readyz'))).status;
  const redisHealth = async (replica: number) => ((await (await fetch(urls[replica].replace('/graphql', '/healthz'))).json()) as { dependencies: { redis?: unknown } }).dependencies.redis;

  beforeAll(async () => {
    const upstream = await simulator.listen(0, '127.0.0.1');
    redis = await startRedis();
    const env = replicaEnv(upstream, redis.url, {
      CACHE_TTL_QUOTAS_SECONDS: '60',
      CACHE_TTL_IMAGES_SECONDS: '60',
      RATE_LIMIT_PER_MINUTE: '1000',
      ZENLAYER_TIMEOUT_MS: '1500',
      IDEMPOTENCY_SETTLE_SECONDS: '3',
    });
    replicas.push(runGatewayProcess(env), runGatewayProcess(env));
    urls.push(...(await Promise.all(replicas.map((r) => r.graphqlUrl()))));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
    await simulator.close();
  });

  it('creates one image for one idempotency key sent to both replicas at once', async () => {
    const create = (replica: number) =>
      graphql(replica, 'mutation($i: CreateImageInput!, $k: String) { createImage(input: $i, idempotencyKey: $k) { imageId } }', undefined, {
        i: { instanceId: 'ins-hkg-stopped', name: 'two-replicas' },
        k: 'replica-key-1',
      });
    const answers = await Promise.all([create(0), create(1), create(0), create(1)]);
    const ids = new Set(answers.map((a) => a.body.data?.createImage?.imageId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^img-/);
    expect(simulator.callCount('CreateImage')).toBe(1);
  });

  it('gives one image for a create that lands after both replicas gave up, repeated on both until it succeeds', async () => {
    const before = simulator.callCount('CreateImage');
    // Zenlayer holds the call past the replicas' 1.5 s timeout and carries it out at 2.5 s.
    simulator.injectFault('CreateImage', { kind: 'delayed-write', ms: 2500 }, 1);
    const create = (replica: number) =>
      graphql(replica, 'mutation($i: CreateImageInput!, $k: String) { createImage(input: $i, idempotencyKey: $k) { imageId } }', undefined, {
        i: { instanceId: 'ins-fra-stopped', name: 'late-on-replicas' },
        k: 'replica-late-key',
      });
    const successes: string[] = [];
    for (let i = 0; i < 60 && successes.length < 4; i++) {
      const answers = await Promise.all([create(i % 2), create((i + 1) % 2)]);
      for (const answer of answers) {
        if (answer.body.data?.createImage) successes.push(answer.body.data.createImage.imageId);
        else expect(answer.body.errors![0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(simulator.callCount('CreateImage') - before).toBe(1);
    expect(successes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(successes).size).toBe(1);
    const named = await graphql(1, '{ images(filter: { name: "late-on-replicas", type: CUSTOM_IMAGE }) { items { id } } }');
    expect(named.body.data.images.items).toEqual([{ id: successes[0] }]);
  });

  it('shows a mutation made through one replica at once through the other', async () => {
    const quota = '{ imageQuota(zoneId: "TYO-A") { count } }';
    expect((await graphql(1, quota)).body.data).toEqual({ imageQuota: { count: 0 } }); // now cached for 60 s
    await graphql(0, 'mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "seen-elsewhere" }) { imageId } }');
    expect((await graphql(1, quota)).body.data).toEqual({ imageQuota: { count: 1 } });
  });

  it('knows through one replica the zone of an image made through the other: one DescribeImages, in that zone', async () => {
    simulator.addInstance('ins-fra-zoned', 'FRA-A');
    const created = await graphql(0, 'mutation { createImage(input: { instanceId: "ins-fra-zoned", name: "zone-elsewhere" }) { imageId } }');
    const imageId = created.body.data.createImage.imageId;
    simulator.resetCalls();
    const { body } = await graphql(1, '{ image(id: "' + imageId + '") { id zoneId } }');
    expect(body.data).toEqual({ image: { id: imageId, zoneId: 'FRA-A' } });
    expect(simulator.calls.map((call) => [call.action, sent(call).zoneId, sent(call).imageIds])).toEqual([['DescribeImages', 'FRA-A', [imageId]]]);
  });

  it('tells through one replica that an image made through the other is being made of the instance (DISK_BUSY)', async () => {
    const created = await graphql(0, 'mutation { createImage(input: { instanceId: "ins-hkg-stopped", name: "busy-elsewhere" }) { imageId } }');
    const imageId = created.body.data.createImage.imageId;
    const { body } = await graphql(1, '{ imageCreationCheck(instanceId: "ins-hkg-stopped") { allowed reasons { code message } } }', { 'x-api-key': KEYS.picker });
    expect(body.data.imageCreationCheck.allowed).toBe(false);
    expect(body.data.imageCreationCheck.reasons).toContainEqual({ code: 'DISK_BUSY', message: expect.stringContaining(imageId) });
  });

  it('keeps serving reads while Redis is down, refuses an idempotent create it cannot check, stays ready while saying so, and recovers', async () => {
    await redis.stop();
    // Each replica notices on its own, a moment apart, and stays in the Service: reads go on.
    await eventually(async () => {
      expect(await redisHealth(0)).toEqual({ status: 'down' });
      expect(await redisHealth(1)).toEqual({ status: 'down' });
    });
    expect(await ready(0)).toBe(200);
    expect(await ready(1)).toBe(200);

    const read = await graphql(1, '{ zones { id } imageQuotas { zoneId } }');
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.zones).toHaveLength(5);

    const before = simulator.callCount('CreateImage');
    const refused = await graphql(0, 'mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "unchecked" }, idempotencyKey: "k-down") { imageId } }');
    expect(refused.body.errors![0]).toMatchObject({ extensions: { code: 'STORE_UNAVAILABLE' }, message: expect.stringMatching(/idempotency store/) });
    expect(simulator.callCount('CreateImage')).toBe(before);

    await redis.start();
    await eventually(async () => {
      expect(await redisHealth(0)).toEqual({ status: 'up' });
      expect(await redisHealth(1)).toEqual({ status: 'up' });
    }, 15_000, 200);
    const accepted = await graphql(0, 'mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "checked" }, idempotencyKey: "k-up") { imageId } }');
    expect(accepted.body.errors).toBeUndefined();
  });
});

describe('a client rate limit across replicas', () => {
  jest.setTimeout(60_000);
  const simulator = new ZenlayerSimulator();
  let redis: RedisServer;
  const replicas: GatewayProcess[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
    await simulator.close();
  });

  it('counts one client\'s requests on both replicas together', async () => {
    const upstream = await simulator.listen(0, '127.0.0.1');
    redis = await startRedis();
    const env = replicaEnv(upstream, redis.url, { RATE_LIMIT_PER_MINUTE: '4' });
    replicas.push(runGatewayProcess(env), runGatewayProcess(env));
    const urls = await Promise.all(replicas.map((r) => r.graphqlUrl()));
    const ask = (url: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.reader }, body: JSON.stringify({ query: '{ zones { id } }' }) });
    const statuses: number[] = [];
    for (const url of [urls[0], urls[1], urls[0], urls[1], urls[0], urls[1]]) statuses.push((await ask(url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
