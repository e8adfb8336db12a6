import { connect } from 'node:net';
import { SIMULATOR_DEFAULT_CREDENTIALS, ZenlayerSimulator } from '../src/simulator';
import { API_KEYS_ENV, CLIENT_AUTH_ENV, hsToken, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';
import { GatewayProcess, runGatewayProcess, upstreamEnv } from './helpers/process';
import { collect, wsClient } from './helpers/ws';

/** Hostile clients against a production-mode gateway: slow bodies, key guessing, leaks, identity collisions. */

const REQUEST_TIMEOUT_MS = 1000;
const AUTH_FAILURES_PER_MINUTE = 10;
const PRODUCTION = {
  NODE_ENV: 'production',
  ...CLIENT_AUTH_ENV,
  RATE_LIMIT_PER_MINUTE: '0',
  REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE),
};
const writer = { 'x-api-key': KEYS.writer };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (h: Harness) => Number(new URL(h.gateway.url).port);

interface RawExchange {
  /** Everything the gateway sent. */
  text: string;
  /** When the gateway closed the connection, from the first byte sent; undefined if it did not within `maxMs`. */
  closedAfterMs?: number;
}

/**
 * Speaks raw HTTP on one connection: writes `start`, then `trickle` one byte every `everyMs`,
 * until the gateway closes the connection or `maxMs` passes (then the test side closes it).
 */
function rawExchange(port: number, start: string, trickle = '', everyMs = 200, maxMs = 5000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const began = Date.now();
    let text = '';
    let sent = 0;
    let ticker: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => finish(undefined), maxMs);
    const finish = (closedAfterMs: number | undefined) => {
      clearTimeout(giveUp);
      clearInterval(ticker);
      socket.destroy();
      resolve({ text, closedAfterMs });
    };
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(Date.now() - began));
    socket.write(start);
    if (trickle) {
      ticker = setInterval(() => {
        if (sent < trickle.length && socket.writable) socket.write(trickle[sent++]);
      }, everyMs);
    }
  });
}

const headerOf = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(raw)?.[1]?.trim();
const bodyOf = (raw: string) => raw.slice(raw.lastIndexOf('\r\n\r\n') + 4);
/** The status of every response in a raw exchange (a response may follow a body without a line break). */
const statusesOf = (raw: string) => [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

describe('hardened HTTP in production mode', () => {
  jest.setTimeout(20_000);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(PRODUCTION, { imageReadyDelayMs: 2000 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  describe('request timeout (REQUEST_TIMEOUT_MS)', () => {
    const body = JSON.stringify({ query: '{ zones { id } }' });

    it('cuts a request whose body or headers trickle in, or that never comes, with 408, however authenticated', async () => {
      const post = (path: string, credentials: string, id: string) =>
        `POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n${credentials}x-request-id: ${id}\r\nContent-Length: ${body.length}\r\n\r\n`;
      // Side by side, so the suite waits for the timeout once.
      const [graphql, rest, headers, nothing] = await Promise.all([
        rawExchange(portOf(h), post('/graphql', `x-api-key: ${KEYS.reader}\r\n`, 'slow-graphql'), body, 300),
        rawExchange(portOf(h), post('/v1/images', `x-api-key: ${KEYS.writer}\r\n`, 'slow-rest'), body, 300),
        rawExchange(portOf(h), 'GET /v1/zones HTTP/1.1\r\n', `Host: gw\r\nx-api-key: ${KEYS.reader}\r\n${'X-Pad: 1\r\n'.repeat(20)}\r\n`, 100),
        rawExchange(portOf(h), ''),
      ]);
      for (const exchange of [graphql, rest, headers, nothing]) {
        expect(exchange.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
        expect(exchange.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
      }
      for (const exchange of [graphql, rest, headers]) {
        expect(statusesOf(exchange.text)).toEqual([408]);
        expect(headerOf(exchange.text, 'x-content-type-options')).toBe('nosniff');
      }
      expect(headerOf(graphql.text, 'x-request-id')).toBe('slow-graphql');
      expect(headerOf(graphql.text, 'content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(bodyOf(graphql.text))).toEqual({ errors: [{ message: expect.stringMatching(/in time/), extensions: { code: 'BAD_REQUEST' } }] });
      expect(headerOf(rest.text, 'x-request-id')).toBe('slow-rest');
      expect(JSON.parse(bodyOf(rest.text))).toMatchObject({ status: 408, code: 'BAD_REQUEST' });
      expect(headerOf(headers.text, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(h.simulator.callCount()).toBe(0);
    });

    it('refuses an unauthenticated request whose body trickles in at once, and closes its connection', async () => {
      const head = `POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      const exchange = await rawExchange(portOf(h), head, body, 300);
      expect(exchange.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS);
      expect(statusesOf(exchange.text)).toEqual([401]);
      expect(headerOf(exchange.text, 'connection')).toBe('close');
    });

    it('serves a slow but timely client, and keeps a connection alive across a pause longer than the timeout', async () => {
      const get = `GET /v1/zones HTTP/1.1\r\nHost: gw\r\nx-api-key: ${KEYS.reader}\r\n\r\n`;
      const post = `POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nx-api-key: ${KEYS.reader}\r\nContent-Length: ${body.length}\r\n\r\n`;
      const socket = connect(portOf(h), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      try {
        socket.write(get);
        await sleep(REQUEST_TIMEOUT_MS + 500);
        // The body in three pieces, well within the timeout.
        socket.write(post + body.slice(0, 10));
        await sleep(200);
        socket.write(body.slice(10, 20));
        await sleep(200);
        socket.write(body.slice(20));
        await sleep(500);
        expect(statusesOf(text)).toEqual([200, 200]);
        expect(text).toContain('"zones"');
        expect(socket.destroyed).toBe(false);
      } finally {
        socket.destroy();
      }
    });

    it('answers a request whose upstream work takes longer than the timeout', async () => {
      h.simulator.injectFault('DescribeZones', { kind: 'latency', ms: REQUEST_TIMEOUT_MS + 500 });
      const { status, body: answer } = await h.graphql('{ zones { id } }', undefined, { 'x-api-key': KEYS.reader });
      expect(status).toBe(200);
      expect(answer.data!.zones).toHaveLength(5);
    });

    it('does not cut a subscription that lasts longer than the timeout', async () => {
      const created = await h.graphql('mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "watched-long" }) { imageId } }', undefined, writer);
      const client = wsClient(h.gateway.url, writer);
      try {
        const started = Date.now();
        const received = await collect(client, 'subscription ($id: ID!) { imageStatusChanged(id: $id) { status } }', { id: created.body.data!.createImage.imageId });
        expect(received.errors).toEqual([]);
        expect(received.completed).toBe(true);
        expect(Date.now() - started).toBeGreaterThan(REQUEST_TIMEOUT_MS);
        expect(received.values.at(-1)).toEqual({ data: { imageStatusChanged: { status: 'AVAILABLE' } } });
      } finally {
        await client.dispose();
      }
    });
  });

  describe("the router's own refusals", () => {
    it('answers a path parameter over the length limit with 414, security headers and the request id', async () => {
      const response = await fetch(`${h.gateway.url}/v1/images/${'i'.repeat(200)}`, { headers: { ...writer, 'x-request-id': 'long-path-1' } });
      expect(response.status).toBe(414);
      expect(response.headers.get('x-request-id')).toBe('long-path-1');
      expect(response.headers.get('content-security-policy')).toMatch(/default-src/);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 414, code: 'BAD_REQUEST' });
    });

    it('answers a malformed URL with 400, security headers and the request id', async () => {
      const response = await fetch(`${h.gateway.url}/v1/images/%E0%A4%A`, { headers: { ...writer, 'x-request-id': 'bad-url-1' } });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-request-id')).toBe('bad-url-1');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(await response.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    });

    it('answers a request line and headers over the size limit with 431, security headers and a request id', async () => {
      const exchange = await rawExchange(portOf(h), `GET /v1/zones?pad=${'p'.repeat(20_000)} HTTP/1.1\r\nHost: gw\r\n\r\n`);
      expect(statusesOf(exchange.text)).toEqual([431]);
      expect(headerOf(exchange.text, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(headerOf(exchange.text, 'strict-transport-security')).toMatch(/max-age/);
      expect(JSON.parse(bodyOf(exchange.text))).toMatchObject({ status: 431, code: 'BAD_REQUEST' });
    });
  });

  describe('upstream errors', () => {
    const page = `<html><head><style>body { color: red }</style></head><body><h1>zoneIds is invalid</h1><pre>${'at com.zenlayer.internal.Handler(/opt/zenlayer/app.jar)\n'.repeat(400)}</pre></body></html>`;

    it('passes on a parameter error bounded and without markup', async () => {
      expect(page.length).toBeGreaterThan(20_000);
      h.simulator.injectFault('DescribeZones', { kind: 'error', status: 400, code: 'INVALID_PARAMETER_VALUE', message: page });
      const { body } = await h.graphql('{ zones(zoneIds: ["FRA-A"]) { id } }', undefined, { 'x-api-key': KEYS.reader });
      const error = body.errors![0];
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: { action: 'DescribeZones', code: 'INVALID_PARAMETER_VALUE' } });
      expect(error.message).toMatch(/^Zenlayer rejected the request: zoneIds is invalid at com\.zenlayer/);
      expect(error.message.length).toBeLessThanOrEqual(400);
      expect(error.message).not.toMatch(/[<>\n\r]/);
    });

    it("answers a refusal of a parameter the gateway filled in as the gateway's error (UPSTREAM_ERROR, 502), not the client's", async () => {
      // The client gave no zoneIds: a refusal naming them, or a missing parameter, is the gateway's mistake.
      for (const fault of [
        { code: 'INVALID_PARAMETER_VALUE', message: 'zoneIds is invalid' },
        { code: 'MISSING_PARAMETER', message: 'zoneId is required' },
      ]) {
        h.simulator.injectFault('DescribeZones', { kind: 'error', status: 400, ...fault });
        const { body } = await h.graphql('{ zones { id } }', undefined, { 'x-api-key': KEYS.reader });
        expect(body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { action: 'DescribeZones', code: fault.code } });
        expect(body.errors![0].message).toMatch(/gateway itself filled in/);
        h.simulator.injectFault('DescribeZones', { kind: 'error', status: 400, ...fault });
        const rest = await fetch(`${h.gateway.url}/v1/zones`, { headers: { 'x-api-key': KEYS.reader } });
        expect(rest.status).toBe(502);
        expect(await rest.json()).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { action: 'DescribeZones', code: fault.code } });
      }
    });

    it.each([
      ['markup', '<script>alert(1)</script>'],
      ['a line break', 'INVALID\r\nX-Injected: 1'],
      ['a long code', `E${'X'.repeat(200)}`],
    ])('shows an upstream code with %s as UNRECOGNIZED_CODE, on GraphQL and REST', async (_what, code) => {
      h.simulator.injectFault('DescribeZones', { kind: 'error', status: 400, code, message: 'no' }, 2);
      const { body } = await h.graphql('{ zones { id } }', undefined, { 'x-api-key': KEYS.reader });
      expect(body.errors![0]).toMatchObject({ message: 'Zenlayer refused the request (UNRECOGNIZED_CODE)', extensions: { code: 'UPSTREAM_ERROR', upstream: { code: 'UNRECOGNIZED_CODE' } } });
      const rest = await fetch(`${h.gateway.url}/v1/zones`, { headers: { 'x-api-key': KEYS.reader } });
      expect(rest.status).toBe(502);
      const problem = await rest.text();
      expect(JSON.parse(problem)).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { action: 'DescribeZones', code: 'UNRECOGNIZED_CODE' } });
      expect(problem).not.toContain(code);
    });
  });

  describe('identities', () => {
    it('refuses a JWT whose sub is empty or blank with 401', async () => {
      for (const sub of ['', '   ']) {
        const token = await hsToken({ sub, scope: 'images:read' });
        const response = await fetch(`${h.gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ zones { id } }' }),
        });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ errors: [{ message: expect.stringMatching(/"sub"/), extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      expect(h.simulator.callCount()).toBe(0);
    });
  });
});

describe('a JWT whose sub is an API key name', () => {
  jest.setTimeout(20_000);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...PRODUCTION, RATE_LIMIT_PER_MINUTE: '3' }, { imageReadyDelayMs: 50 });
  });
  afterAll(() => h.close());

  const CREATE = 'mutation ($input: CreateImageInput!, $key: String) { createImage(input: $input, idempotencyKey: $key) { imageId } }';

  it('does not share the API key\'s idempotency keys', async () => {
    const impostor = { authorization: `Bearer ${await hsToken({ sub: 'ops-writer', scope: 'images:read images:write' })}` };
    const input = { instanceId: 'ins-fra-stopped', name: 'same-key-twice' };
    const byKey = await h.graphql(CREATE, { input, key: 'shared-key-1' }, writer);
    expect(byKey.body.errors).toBeUndefined();
    // Once the first image is AVAILABLE the disk is free for another one.
    await sleep(300);
    const byJwt = await h.graphql(CREATE, { input, key: 'shared-key-1' }, impostor);
    expect(byJwt.body.errors).toBeUndefined();
    expect(byJwt.body.data!.createImage.imageId).not.toBe(byKey.body.data!.createImage.imageId);
    expect(h.simulator.callCount('CreateImage')).toBe(2);
  });

  it("does not share the API key's rate limit", async () => {
    // Other clients than in the previous test, so both counts start at zero.
    const reader = { 'x-api-key': KEYS.reader };
    const impostor = { authorization: `Bearer ${await hsToken({ sub: 'frontend-reader' })}` };
    for (let i = 0; i < 3; i++) expect((await h.graphql('{ zones { id } }', undefined, reader)).status).toBe(200);
    expect((await h.graphql('{ zones { id } }', undefined, reader)).status).toBe(429);
    const other = await h.graphql('{ zones { id } }', undefined, impostor);
    expect(other.status).toBe(200);
  });
});

describe('failed authentications, throttled per address', () => {
  jest.setTimeout(20_000);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(PRODUCTION);
  });
  afterAll(() => h.close());

  const post = (headers: Record<string, string>) =>
    fetch(`${h.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ zones { id } }' }) });

  it(`answers 429 with Retry-After after ${AUTH_FAILURES_PER_MINUTE} failures a minute, and still lets a valid key in`, async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 40; i++) {
      const response = await post(i % 2 ? { 'x-api-key': `wrong-key-${i}` } : { authorization: `Bearer not-a-key-${i}` });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, AUTH_FAILURES_PER_MINUTE)).toEqual(Array(AUTH_FAILURES_PER_MINUTE).fill(401));
    expect(statuses.slice(AUTH_FAILURES_PER_MINUTE)).toEqual(Array(40 - AUTH_FAILURES_PER_MINUTE).fill(429));
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited!.json()).toEqual({ errors: [{ message: expect.stringMatching(/failed authentications/), extensions: { code: 'RATE_LIMITED', retryAfter } }] });

    // REST answers the same refusal as problem+json; an expired JWT counts as a failure too.
    const expired = await hsToken({ expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const rest = await fetch(`${h.gateway.url}/v1/zones`, { headers: { authorization: `Bearer ${expired}` } });
    expect(rest.status).toBe(429);
    expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await rest.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });

    // Valid credentials from the same address are neither refused nor counted.
    expect((await post({ 'x-api-key': KEYS.reader })).status).toBe(200);
    expect((await post({ authorization: `Bearer ${await hsToken()}` })).status).toBe(200);
    expect(h.simulator.callCount('DescribeZones')).toBe(2);
  });

  it('counts each address on its own', async () => {
    // Loopback has used up its failures (the test above); another address behind the same proxy has not.
    expect((await post({ 'x-api-key': 'wrong-key' })).status).toBe(429);
    // The harness trusts X-Forwarded-For from loopback (a proxy in front), as production would.
    const response = await post({ 'x-api-key': 'wrong-key', 'x-forwarded-for': '203.0.113.7' });
    expect(response.status).toBe(401);
  });
});

describe('credentials and upstream text in the log', () => {
  jest.setTimeout(60_000);
  const simulator = new ZenlayerSimulator({ imageReadyDelayMs: 200 });
  let gateway: GatewayProcess;
  const responses: string[] = [];

  beforeAll(async () => {
    const upstream = await simulator.listen(0, '127.0.0.1');
    gateway = runGatewayProcess({
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      ...upstreamEnv(upstream),
      GATEWAY_API_KEYS: API_KEYS_ENV,
      CACHE_TTL_ZONES_SECONDS: '0',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    const base = (await gateway.graphqlUrl()).replace(/\/graphql$/, '');
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(base + path, { headers });
      responses.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    };
    await get(`/graphql?query=%7Bzones%7Bid%7D%7D&x-api-key=${KEYS.reader}`, { 'apollo-require-preflight': '1' });
    await get(`/v1/zones?api_key=${KEYS.reader}&zoneIds=FRA-A`);
    await get(`/v1/zones?token=${KEYS.writer}`);
    await get(`/v1/zones?ACCESS_TOKEN=${KEYS.writer}`);
    await get(`/v1/zones?zoneIds=FRA-A&Authorization=Bearer%20${KEYS.otherWriter}`);
    await get(`/v1/images/${'i'.repeat(200)}?apikey=${KEYS.hashed}`, { 'x-api-key': KEYS.reader });
    simulator.injectFault('DescribeZones', { kind: 'error', status: 400, code: '<b>Odd.Code</b>', message: `<html><body>${'<p>trace /srv/internal</p>'.repeat(1000)}</body></html>` });
    await get('/v1/zones', { 'x-api-key': KEYS.reader });
    simulator.injectFault('DescribeZones', { kind: 'error', status: 400, code: 'INVALID_PARAMETER_VALUE', message: `<div>zoneIds: bad zone\u0000 near ${SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword.toUpperCase()}</div>` });
    await get('/v1/zones?zoneIds=FRA-A', { 'x-api-key': KEYS.reader });
    await gateway.stop();
  });
  afterAll(async () => {
    await gateway?.stop();
    await simulator.close();
  });

  it('never writes a key sent in the query string, and logs the request with the parameter redacted', () => {
    expect(responses).toHaveLength(8);
    const everything = [...gateway.lines, ...gateway.stderr].join('\n');
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
    const urls = gateway.lines.map((l) => JSON.parse(l)).filter((l) => l.req?.url).map((l) => l.req.url as string);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/graphql?query=%7Bzones%7Bid%7D%7D&x-api-key=[redacted]',
        '/v1/zones?api_key=[redacted]&zoneIds=FRA-A',
        '/v1/zones?token=[redacted]',
        '/v1/zones?ACCESS_TOKEN=[redacted]',
        '/v1/zones?zoneIds=FRA-A&Authorization=[redacted]',
        `/v1/images/${'i'.repeat(200)}?apikey=[redacted]`,
      ]),
    );
  });

  it('logs and shows no odd upstream code, no markup and no secret in any letter case', () => {
    const everything = [...responses, ...gateway.lines, ...gateway.stderr].join('\n');
    expect(everything).not.toMatch(/Odd\.Code|<b>|<html|<p>|<div>|\\u0000/);
    expect(everything.toLowerCase()).not.toContain(SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword.toLowerCase());
    const failed = gateway.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'upstream call failed');
    expect(failed.map((l) => l.outcome)).toEqual(['UNRECOGNIZED_CODE', 'INVALID_PARAMETER_VALUE']);
    for (const line of failed) expect(line.upstreamMessage.length).toBeLessThanOrEqual(300);
    expect(responses.at(-1)).toContain('bad zone near [redacted]');
  });
});
