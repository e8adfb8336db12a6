import { createHash } from 'node:crypto';
import { ZenlayerSimulator } from '../src/simulator';
import { CLIENT_AUTH_ENV, KEYS } from './helpers/clients';
import { eventually, GraphqlAnswer, Harness, startHarness, sent } from './helpers/harness';
import { GatewayProcess, runGatewayProcess, upstreamEnv } from './helpers/process';

const AUTH = { ...CLIENT_AUTH_ENV, RATE_LIMIT_PER_MINUTE: '0' };
const reader = { 'x-api-key': KEYS.reader };
const writer = { 'x-api-key': KEYS.writer };

/** `count` aliases of a root field, each with its own arguments: one upstream call each (one zone's listing). */
const fanOut = (count: number, prefix = 'n') =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: images(filter: { zoneId: "FRA-A", name: "${prefix}${i}" }, pageSize: 1) { totalCount }`).join(' ')} }`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Client mistakes against the gateway running as its own process in production mode, so that
 * what it logs for them can be read: each is answered 400 with its code, and none is logged as
 * an error or with a stack trace.
 */
describe('client mistakes in production: 400 with a code, no error log', () => {
  jest.setTimeout(60_000);
  const simulator = new ZenlayerSimulator({ imageReadyDelayMs: 200 });
  let gateway: GatewayProcess;
  let base: string;

  const post = (body: unknown, headers: Record<string, string> = reader, path = '/graphql') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (params: Record<string, string>) =>
    fetch(`${base}/graphql?${new URLSearchParams(params)}`, { headers: { ...reader, 'apollo-require-preflight': 'true' } });
  const answer = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });

  beforeAll(async () => {
    const upstream = await simulator.listen(0, '127.0.0.1');
    gateway = runGatewayProcess({
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      ...upstreamEnv(upstream),
      ...AUTH,
    });
    base = new URL(await gateway.graphqlUrl()).origin;
  });
  afterAll(async () => {
    await gateway?.stop();
    await simulator.close();
  });
  beforeEach(() => simulator.resetCalls());

  it('answers a variable of the wrong type with BAD_USER_INPUT', async () => {
    const { status, body } = await answer(await post({ query: 'query($p: Int) { images(pageSize: $p) { totalCount } }', variables: { p: 'ten' } }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/\$p.*Int/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(simulator.callCount()).toBe(0);
  });

  it('answers a missing required variable with BAD_USER_INPUT', async () => {
    const { status, body } = await answer(await post({ query: 'query($id: ID!) { image(id: $id) { id } }', variables: {} }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/\$id.*not provided/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it.each([
    ['at the top', '{"__proto__":{"pageSize":1}}'],
    ['in an input object', '{"f":{"__proto__":{"name":"x"}}}'],
  ])('answers a __proto__ key in GET variables, %s, with BAD_REQUEST', async (_where, variables) => {
    const { status, body } = await answer(await get({ query: 'query($f: ImageFilter) { images(filter: $f) { totalCount } }', variables }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/__proto__/), extensions: { code: 'BAD_REQUEST' } });
    expect(simulator.callCount()).toBe(0);
  });

  it('answers a subscription over HTTP POST with BAD_REQUEST, pointing to graphql-ws on /graphql', async () => {
    const { status, body } = await answer(await post({ query: 'subscription { imageStatusChanged(id: "img-fra-web-01") { id status } }' }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/graphql-ws.*\/graphql/), extensions: { code: 'BAD_REQUEST' } });
    expect(simulator.callCount()).toBe(0);
  });

  it('answers a persisted query whose hash does not match its text with BAD_REQUEST', async () => {
    const sha256Hash = createHash('sha256').update('{ images { totalCount } }').digest('hex');
    const { status, body } = await answer(await post({ query: '{ zones { id } }', extensions: { persistedQuery: { version: 1, sha256Hash } } }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
    expect(simulator.callCount()).toBe(0);
  });

  it.each([
    ['an array', `${'['.repeat(60_000)}${']'.repeat(60_000)}`],
    ['a field', `{"instanceId":"ins-fra-stopped","name":${'['.repeat(60_000)}${']'.repeat(60_000)}}`],
  ])('answers a REST body of 60,000 nested arrays (as %s) with BAD_USER_INPUT', async (_as, text) => {
    const { status, body } = await answer(await post(text, writer, '/v1/images'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', errors: [{ field: 'body', reasons: [expect.stringMatching(/nested more than \d+ levels/)] }] });
    expect(simulator.callCount()).toBe(0);
  });

  it('answers GraphQL variables nested 60,000 deep with BAD_REQUEST', async () => {
    const text = `{"query":"query($f: ImageFilter) { images(filter: $f) { totalCount } }","variables":{"f":{"ids":${'['.repeat(60_000)}${']'.repeat(60_000)}}}}`;
    const { status, body } = await answer(await post(text));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(/variables.*nested/), extensions: { code: 'BAD_REQUEST' } });
  });

  it('gives no "Did you mean" suggestions in validation or variable errors', async () => {
    const unknownField = await answer(await post({ query: '{ zone { id } }' }));
    expect(unknownField).toMatchObject({ status: 400, body: { errors: [{ message: 'Cannot query field "zone" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } });
    const enumValue = await answer(await post({ query: 'query($t: ImageType) { images(filter: { type: $t }) { totalCount } }', variables: { t: 'CUSTOM' } }));
    expect(enumValue).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] } });
    expect(enumValue.body.errors[0].message).not.toMatch(/Did you mean/);
    const inputField = await answer(await post({ query: 'query($f: ImageFilter) { images(filter: $f) { totalCount } }', variables: { f: { nme: 'x' } } }));
    expect(inputField).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] } });
    expect(inputField.body.errors[0].message).not.toMatch(/Did you mean/);
  });

  it('refuses a 100-alias fan-out before it runs: GRAPHQL_VALIDATION_FAILED, no upstream call', async () => {
    const { status, body } = await answer(await post({ query: fanOut(100) }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({
      message: expect.stringMatching(/100 upstream calls.*the most allowed is 20 \(GRAPHQL_MAX_UPSTREAM_CALLS\)/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(simulator.callCount()).toBe(0);
  });

  it('lets 100 batched lookups through: ids in no zone the gateway knows cost one call per zone, all ids in each', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `img-${i}`);
    const query = `{ ${ids.map((id, i) => `a${i}: image(id: "${id}") { id }`).join(' ')} }`;
    const { status, body } = await answer(await post({ query }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const looks = simulator.calls.filter((call) => call.action === 'DescribeImages');
    expect(looks.map((call) => sent(call).zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E', 'TYO-A']);
    for (const call of looks) expect(sent(call).imageIds).toEqual(ids);
    expect(simulator.callCount()).toBe(looks.length + 1);
  });

  it('logged none of these mistakes as an error, and no stack trace', async () => {
    // The lines of the last request are written once it is answered; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = gateway.lines.map((line) => JSON.parse(line) as { level: number; msg?: string; res?: { statusCode: number } });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(gateway.lines.filter((line) => /"stack"|\\n\s+at /.test(line))).toEqual([]);
    expect(gateway.stderr.join('')).not.toMatch(/\n\s+at /);
    // The mistakes above were logged all the same, each as one request answered 400.
    expect(lines.filter((line) => line.msg === 'request completed' && line.res?.statusCode === 400).length).toBeGreaterThanOrEqual(12);
  });
});

describe('schema suggestions outside production', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ NODE_ENV: 'development', ...AUTH });
  });
  afterAll(() => h.close());

  it('keeps "Did you mean" in development, where introspection is on', async () => {
    const { status, body } = await h.graphql('{ zone { id } }', undefined, reader);
    expect(status).toBe(400);
    expect(body.errors![0].message).toBe('Cannot query field "zone" on type "Query". Did you mean "zones"?');
    const inputField = await h.graphql('query($f: ImageFilter) { images(filter: $f) { totalCount } }', { f: { nme: 'x' } }, reader);
    expect(inputField.body.errors![0].message).toMatch(/Did you mean "name"\?$/);
  });
});

describe('upstream calls shared fairly between clients', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      NODE_ENV: 'production',
      ...AUTH,
      UPSTREAM_CONCURRENCY: '4',
      UPSTREAM_CONCURRENCY_PER_CLIENT: '2',
      UPSTREAM_QUEUE_SIZE: '500',
      // Only concurrency is under test: the token bucket must not pace anyone.
      UPSTREAM_RATE_PER_SECOND: '10000',
    });
  });
  afterAll(() => h.close());

  /** The other client's latency over `count` sequential one-call queries, in ms. */
  const latencies = async (label: string, count = 10): Promise<number[]> => {
    const taken: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const { body } = await h.graphql(`{ images(filter: { name: "${label}-${i}" }, pageSize: 1) { totalCount } }`, undefined, reader);
      taken.push(performance.now() - started);
      expect(body.errors).toBeUndefined();
    }
    return taken;
  };

  it("keeps another client's latency within twice its baseline while one client bursts", async () => {
    h.simulator.injectFault('*', { kind: 'latency', ms: 50 }, Infinity);
    try {
      await latencies('warm-up', 3);
      const baseline = median(await latencies('before'));

      // Four greedy workers, each sending request after request of 20 distinct calls: 80 calls
      // always asking, against 4 slots in all and 2 per client.
      let stop = false;
      const greedy = { 'x-api-key': KEYS.otherWriter };
      const greedyAnswers: GraphqlAnswer[] = [];
      const worker = async (w: number) => {
        for (let r = 0; !stop; r++) greedyAnswers.push(await h.graphql(fanOut(20, `g${w}-${r}-`), undefined, greedy));
      };
      const callsBefore = h.simulator.callCount();
      const burst = Promise.all([0, 1, 2, 3].map(worker));
      try {
        await eventually(async () => expect(h.simulator.callCount()).toBeGreaterThan(callsBefore + 4), 3000, 20);
        const during = median(await latencies('during'));
        expect(during).toBeLessThan(2 * baseline);
        // The burst went on all along: far more calls than the other client's ten.
        expect(h.simulator.callCount() - callsBefore).toBeGreaterThan(30);
      } finally {
        stop = true;
        await burst;
      }
      // The greedy client is served too, only at its own pace.
      for (const { body } of greedyAnswers) expect(body.errors).toBeUndefined();
    } finally {
      h.simulator.clearFaults();
    }
  }, 20_000);
});
