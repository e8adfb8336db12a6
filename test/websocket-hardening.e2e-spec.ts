import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTROSPECTION_DISABLED_MESSAGE } from '../src/common/errors';
import { ZenlayerSimulator } from '../src/simulator';
import { API_KEYS_ENV, CLIENT_AUTH_ENV, hsToken, KEYS } from './helpers/clients';
import { eventually, Harness, startHarness } from './helpers/harness';
import { GatewayProcess, runGatewayProcess, upstreamEnv } from './helpers/process';
import { acknowledgedConnection, clientFrameHeader, collect, rawConnection, RawConnection, rawExchange, wsClient } from './helpers/ws';

const WATCH = 'subscription Watch($id: ID!) { imageStatusChanged(id: $id) { id status } }';

/** The gateway's own process in production mode, with WebSocket limits small enough to reach quickly. */
const GATEWAY_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'error',
  ...CLIENT_AUTH_ENV,
  RATE_LIMIT_PER_MINUTE: '40',
  GRAPHQL_MAX_ROOT_FIELDS: '5',
  GRAPHQL_WS_INIT_TIMEOUT_MS: '500',
  GRAPHQL_WS_MAX_CONNECTIONS_PER_CLIENT: '3',
  GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT: '3',
  SUBSCRIPTION_POLL_MIN_MS: '200',
  SUBSCRIPTION_POLL_MAX_MS: '1000',
};

/** A JWT for a client of its own: every test keeps its own rate-limit and cap budget. */
const asClient = async (sub: string, scope = 'images:read') => ({ authorization: `Bearer ${await hsToken({ sub, scope })}` });

const descriptorsOf = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
};

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel does not allow it. */
const resetPeak = (pid: number): boolean => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
};

const upgradeRequest = (path: string, port: number, overrides: Record<string, string> = {}, method = 'GET') => {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': 'graphql-transport-ws',
    ...overrides,
  };
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
};

/**
 * Opens a WebSocket by hand and starts a text frame announcing `size` bytes, then streams it in
 * 64 KiB chunks until the gateway closes the connection (or everything is sent, or 10 s pass).
 * Only one chunk is ever held in the test process.
 */
async function streamHugeFrame(port: number, size: number): Promise<{ closeCode?: number; sent: number }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let headersEnd = -1;
  let closeCode: number | undefined;
  let ended = false;
  const wake = new Set<() => void>();
  socket.on('data', (chunk) => {
    received = Buffer.concat([received, chunk]);
    if (headersEnd === -1) headersEnd = received.indexOf('\r\n\r\n');
    const frames = headersEnd === -1 ? undefined : received.subarray(headersEnd + 4);
    // A close frame from the server: unmasked, opcode 8, its first two payload bytes the code.
    if (frames && frames.length >= 4 && (frames[0] & 0x0f) === 0x8) closeCode = frames.readUInt16BE(2);
    wake.forEach((w) => w());
  });
  socket.on('close', () => {
    ended = true;
    wake.forEach((w) => w());
  });
  const until = (done: () => boolean, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done()) return;
        wake.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        wake.delete(check);
        resolve();
      }, timeoutMs);
      wake.add(check);
      check();
    });

  socket.write(upgradeRequest('/graphql', port));
  await until(() => headersEnd !== -1 || ended, 3000);
  expect(received.subarray(0, 12).toString()).toBe('HTTP/1.1 101');

  const chunk = Buffer.alloc(64 * 1024, 0x20);
  socket.write(Buffer.concat([clientFrameHeader(size), Buffer.from('{"type":"connection_init","payload":{"pad":"')]));
  let sent = 0;
  const deadline = Date.now() + 10_000;
  while (sent < size && closeCode === undefined && !ended && Date.now() < deadline) {
    const more = socket.write(chunk);
    sent += chunk.length;
    if (!more) {
      let drained = false;
      socket.once('drain', () => {
        drained = true;
        wake.forEach((w) => w());
      });
      await until(() => drained || closeCode !== undefined || ended, 2000);
    }
  }
  await until(() => closeCode !== undefined || ended, 3000);
  socket.destroy();
  return { closeCode, sent };
}

describe('WebSocket hardening (the gateway process, production mode)', () => {
  jest.setTimeout(30_000);
  let simulator: ZenlayerSimulator;
  let gateway: GatewayProcess;
  let url: string;
  let port: number;
  let pid: number;
  let creatingImage: string;

  beforeAll(async () => {
    simulator = new ZenlayerSimulator({ imageReadyDelayMs: 120_000 });
    const upstream = await simulator.listen(0, '127.0.0.1');
    gateway = runGatewayProcess({
      ...GATEWAY_ENV,
      ...upstreamEnv(upstream),
    });
    url = new URL(await gateway.graphqlUrl()).origin;
    port = Number(new URL(url).port);
    pid = gateway.child.pid!;
    const created = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEYS.writer },
      body: JSON.stringify({ query: 'mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "ws-watched" }) { imageId } }' }),
    });
    creatingImage = ((await created.json()) as any).data.createImage.imageId;
  });

  afterAll(async () => {
    await gateway?.stop();
    await simulator?.close();
  });

  describe('upgrade requests', () => {
    const bad = (p: number): Array<[string, string, RegExp]> => [
      ['a REST path', upgradeRequest('/v1/zones', p), /^HTTP\/1\.1 404 /],
      ['the health check', upgradeRequest('/healthz', p), /^HTTP\/1\.1 404 /],
      ['the root', upgradeRequest('/', p), /^HTTP\/1\.1 404 /],
      ['a path that only starts with /graphql', upgradeRequest('/graphqlx', p), /^HTTP\/1\.1 404 /],
      ['/graphql with a bad WebSocket version', upgradeRequest('/graphql', p, { 'Sec-WebSocket-Version': '7' }), /^HTTP\/1\.1 400 /],
      ['/graphql without a key', upgradeRequest('/graphql', p, { 'Sec-WebSocket-Key': '' }), /^HTTP\/1\.1 400 /],
      ['/graphql upgraded to h2c', upgradeRequest('/graphql', p, { Upgrade: 'h2c' }), /^HTTP\/1\.1 400 /],
      ['/graphql by POST', upgradeRequest('/graphql', p, {}, 'POST'), /^HTTP\/1\.1 405 /],
    ];

    it('answers each upgrade it does not serve with Connection: close, and closes the connection itself', async () => {
      for (const [why, request, status] of bad(port)) {
        const { response, closedByServer } = await rawExchange(port, request);
        expect({ why, status: response.split('\r\n')[0] }).toEqual({ why, status: expect.stringMatching(status) });
        expect(response).toMatch(/\r\nConnection: close\r\n/i);
        expect(closedByServer).toBe(true);
      }
    });

    it('answers an upgrade to another path as any other refusal: problem+json, request id, security headers', async () => {
      const { response } = await rawExchange(port, upgradeRequest('/v1/zones', port, { 'x-request-id': 'upgrade-refused-1' }));
      const [head, body] = response.split('\r\n\r\n');
      expect(head).toMatch(/\r\nx-request-id: upgrade-refused-1\r\n/i);
      expect(head).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
      expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
      expect(JSON.parse(body)).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: expect.stringContaining('served at /graphql'), instance: '/v1/zones' });
    });

    it('keeps no descriptor after 200 refused upgrades', async () => {
      const cases = bad(port);
      await Promise.all(cases.map(([, request]) => rawExchange(port, request)));
      const before = descriptorsOf(pid);
      for (let batch = 0; batch < 10; batch++) {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => rawExchange(port, cases[(batch * 20 + i) % cases.length][1])));
        expect(results.every((r) => r.closedByServer && /^HTTP\/1\.1 4\d\d /.test(r.response))).toBe(true);
      }
      await eventually(async () => expect(descriptorsOf(pid)).toBeLessThanOrEqual(before + 2), 3000);
    });
  });

  describe('message sizes', () => {
    it('refuses a 95 MB connection_init from its frame header, without buffering it', async () => {
      const size = 95 * 1024 * 1024;
      const peakTracked = resetPeak(pid);
      const before = memoryOf(pid);
      let highest = before.rss;
      const sampler = setInterval(() => (highest = Math.max(highest, memoryOf(pid).rss)), 10);
      let outcome: { closeCode?: number; sent: number };
      try {
        outcome = await streamHugeFrame(port, size);
      } finally {
        clearInterval(sampler);
      }
      const after = memoryOf(pid);
      expect(outcome.closeCode).toBe(1009);
      expect(outcome.sent).toBeLessThan(size / 4);
      expect(Math.max(highest, after.rss) - before.rss).toBeLessThan(16 * 1024 * 1024);
      if (peakTracked) expect(after.peak - before.rss).toBeLessThan(16 * 1024 * 1024);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    });

    it('closes a connection whose message before connection_ack is over 16 KiB (1009), without authenticating it', async () => {
      const connection = await rawConnection(url);
      connection.send({ type: 'connection_init', payload: { 'x-api-key': KEYS.reader, pad: 'x'.repeat(20 * 1024) } });
      expect((await connection.closed).code).toBe(1009);
      expect(connection.messages).toEqual([]);
    });

    it('closes an authenticated connection whose message is over the document limit plus variables (1009)', async () => {
      const connection = await acknowledgedConnection(url, await asClient('big-message'));
      const query = `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: zones { id }`).join(' ')} }`;
      connection.send({ id: '1', type: 'subscribe', payload: { query } });
      expect((await connection.closed).code).toBe(1009);
      expect(connection.messages.filter((m) => m.type !== 'connection_ack')).toEqual([]);
    });
  });

  describe('connection_init', () => {
    it('closes a connection that sends no connection_init in time (4408)', async () => {
      const started = Date.now();
      const connection = await rawConnection(url);
      expect((await connection.closed).code).toBe(4408);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it.each([
      ['no credentials', {}],
      ['a wrong API key', { 'x-api-key': 'not-a-key-at-all-0000' }],
      ['a token signed with another secret', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }],
    ])('closes with 4401 for %s', async (_why, payload) => {
      const connection = await rawConnection(url);
      connection.send({ type: 'connection_init', payload });
      const { code, reason } = await connection.closed;
      expect(code).toBe(4401);
      expect(reason).toMatch(/API key|token|Authentication required/);
      expect(connection.messages).toEqual([]);
    });

    it('closes with 4403 for credentials that grant no scope of this API', async () => {
      const connection = await rawConnection(url);
      connection.send({ type: 'connection_init', payload: await asClient('no-scope', 'openid profile') });
      expect((await connection.closed).code).toBe(4403);
    });

    it('answers FORBIDDEN to an operation outside the client scopes, and runs nothing upstream', async () => {
      const connection = await acknowledgedConnection(url, await asClient('writer-only', 'images:write'));
      simulator.resetCalls();
      connection.send({ id: '1', type: 'subscribe', payload: { query: WATCH, variables: { id: creatingImage } } });
      const answer = await connection.next((m) => m.id === '1' && (m.type === 'next' || m.type === 'error'));
      // graphql-ws sends a refusal before execution as `error`, one during it as `next` with errors.
      const errors = (answer.type === 'error' ? answer.payload : (answer.payload as { errors: unknown[] }).errors) as Array<{ extensions: { code: string } }>;
      expect(errors.map((error) => error.extensions.code)).toEqual(['FORBIDDEN']);
      expect(simulator.callCount()).toBe(0);
      await connection.close();
    });

    it('closes the connection past GRAPHQL_WS_MAX_CONNECTIONS_PER_CLIENT (4429), and lets one in again after one closes', async () => {
      const params = await asClient('many-connections');
      const open = await Promise.all(Array.from({ length: 3 }, () => acknowledgedConnection(url, params)));
      const extra = await rawConnection(url);
      extra.send({ type: 'connection_init', payload: params });
      const { code, reason } = await extra.closed;
      expect(code).toBe(4429);
      expect(reason).toMatch(/Too many connections/);
      // Another client is not affected.
      await (await acknowledgedConnection(url, await asClient('someone-else'))).close();

      await open[0].close();
      await eventually(async () => {
        const again = await acknowledgedConnection(url, params);
        await again.close();
      }, 3000);
      await Promise.all(open.map((c) => c.close()));
    });
  });

  describe('operations held to the HTTP limits', () => {
    let connection: RawConnection;
    let nextId = 0;
    beforeAll(async () => {
      connection = await acknowledgedConnection(url, await asClient('limits'));
    });
    afterAll(() => connection.close());

    const refusal = async (query: string, variables?: Record<string, unknown>) => {
      const id = String(++nextId);
      simulator.resetCalls();
      connection.send({ id, type: 'subscribe', payload: { query, variables } });
      const answer = await connection.next((m) => m.id === id);
      expect(answer.type).toBe('error');
      expect(simulator.callCount()).toBe(0);
      return answer.payload[0] as { message: string; extensions: { code: string } };
    };
    const nested = 'zones { imageQuota { zone { imageQuota { zone { imageQuota { zone { id } } } } } } }';

    it.each([
      ['introspection (off in production)', '{ __schema { types { name } } }', 'GRAPHQL_VALIDATION_FAILED', /GRAPHQL_INTROSPECTION=true/],
      [
        'a 12-level query',
        '{ zones { imageQuota { zone { imageQuota { zone { imageQuota { zone { imageQuota { zone { imageQuota { zone { imageQuota { zoneId } } } } } } } } } } } } }',
        'GRAPHQL_VALIDATION_FAILED',
        /GRAPHQL_MAX_DEPTH/,
      ],
      ['300 aliases', `{ zones { ${Array.from({ length: 300 }, (_, i) => `a${i}: id`).join(' ')} } }`, 'GRAPHQL_VALIDATION_FAILED', /GRAPHQL_MAX_ALIASES/],
      ['6 root fields', '{ zones { id } imageQuotas { zoneId } images { totalCount } image(id: "x") { id } imageQuota(zoneId: "FRA-A") { count } instances { totalCount } }', 'GRAPHQL_VALIDATION_FAILED', /GRAPHQL_MAX_ROOT_FIELDS/],
      ['an operation over the cost limit', `{ a: ${nested} b: ${nested} c: ${nested} d: ${nested} }`, 'GRAPHQL_VALIDATION_FAILED', /costs \d+; the most allowed is 5000 \(GRAPHQL_MAX_COST\)/],
      ['a document over the size limit', `{ zones { id } } # ${'x'.repeat(40_000)}`, 'BAD_REQUEST', /GRAPHQL_MAX_DOCUMENT_BYTES/],
      ['a syntax error', '{ zones { id }', 'GRAPHQL_PARSE_FAILED', /Syntax Error/],
    ])('refuses %s before running it', async (_what, query, code, message) => {
      const error = await refusal(query);
      expect(error).toMatchObject({ extensions: { code }, message: expect.stringMatching(message) });
      expect(error.extensions).toEqual({ code });
    });

    it('refuses introspection with the same message as HTTP, naming GRAPHQL_INTROSPECTION', async () => {
      for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Image") { name } }']) {
        const id = String(++nextId);
        connection.send({ id, type: 'subscribe', payload: { query } });
        const answer = await connection.next((m) => m.id === id);
        expect(answer).toMatchObject({ type: 'error', payload: [{ message: INTROSPECTION_DISABLED_MESSAGE, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
        expect(answer.payload).toHaveLength(1);
      }
    });

    it('gives no "Did you mean" suggestions', async () => {
      const field = await refusal('{ zonez { id } }');
      expect(field).toMatchObject({ message: 'Cannot query field "zonez" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      const value = await refusal('query ($s: ImageStatus) { images(filter: { status: $s }) { totalCount } }', { s: 'AVAILABL' });
      expect(value.extensions.code).toBe('BAD_USER_INPUT');
      expect(value.message).not.toMatch(/Did you mean|AVAILABLE/);
    });
  });

  it('counts every subscribe message against the client rate limit, shared with HTTP', async () => {
    const params = await asClient('rate-limited');
    const connection = await acknowledgedConnection(url, params);
    for (let i = 1; i <= 45; i++) connection.send({ id: String(i), type: 'subscribe', payload: { query: '{ __typename }' } });
    const answers = await Promise.all(Array.from({ length: 45 }, (_, i) => connection.next((m) => m.id === String(i + 1) && (m.type === 'complete' || m.type === 'error'))));
    const refused = answers.filter((m) => m.type === 'error');
    expect(answers.length - refused.length).toBe(40);
    expect(refused).toHaveLength(5);
    expect(refused[0].payload[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) }, message: expect.stringMatching(/retry after/) });
    await connection.close();

    const overHttp = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...params }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(overHttp.status).toBe(429);
  });

  it('refuses a subscription past GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT, over all the client connections', async () => {
    const params = await asClient('many-subscriptions');
    const [first, second] = await Promise.all([acknowledgedConnection(url, params), acknowledgedConnection(url, params)]);
    const watch = (connection: RawConnection, id: string) => {
      connection.send({ id, type: 'subscribe', payload: { query: WATCH, variables: { id: creatingImage } } });
      return connection.next((m) => m.id === id);
    };
    expect((await watch(first, 'a')).payload).toEqual({ data: { imageStatusChanged: { id: creatingImage, status: 'CREATING' } } });
    expect((await watch(first, 'b')).type).toBe('next');
    expect((await watch(second, 'c')).type).toBe('next');

    const refused = await watch(second, 'd');
    expect(refused.type).toBe('error');
    expect(refused.payload[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' }, message: expect.stringMatching(/Too many active subscriptions/) });

    first.send({ id: 'a', type: 'complete' });
    await eventually(async () => {
      const id = `e${Date.now()}`;
      const answer = await watch(second, id);
      expect(answer.type).toBe('next');
    }, 3000);
    await Promise.all([first.close(), second.close()]);
  });

  it('still serves a subscription end to end to a graphql-ws client', async () => {
    const client = wsClient(url, { 'x-api-key': KEYS.reader });
    try {
      const received = await collect(client, WATCH, { id: 'img-fra-web-01' });
      expect(received.values).toEqual([{ data: { imageStatusChanged: { id: 'img-fra-web-01', status: 'AVAILABLE' } } }]);
      expect(received.completed).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});

describe('WebSocket in trusted-documents mode', () => {
  const ZONES = 'query Zones { zones { id } }';
  const id = createHash('sha256').update(ZONES).digest('hex');
  let h: Harness;
  let connection: RawConnection;
  beforeAll(async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), 'ws-trusted-')), 'persisted-documents.json');
    writeFileSync(manifest, JSON.stringify({ [id]: ZONES }));
    h = await startHarness({ NODE_ENV: 'production', GATEWAY_API_KEYS: API_KEYS_ENV, RATE_LIMIT_PER_MINUTE: '0', GRAPHQL_TRUSTED_DOCUMENTS: manifest });
    connection = await acknowledgedConnection(h.gateway.url, { 'x-api-key': KEYS.reader });
  });
  afterAll(async () => {
    await connection?.close();
    await h?.close();
  });

  it.each([
    ['its full text', { query: ZONES }],
    ['its id, with an empty query', { query: '', documentId: id }],
  ])('runs a registered operation sent by %s', async (_how, payload) => {
    const key = `ok-${payload.query.length}`;
    connection.send({ id: key, type: 'subscribe', payload });
    const answer = await connection.next((m) => m.id === key);
    expect(answer).toMatchObject({ type: 'next', payload: { data: { zones: expect.any(Array) } } });
  });

  it('refuses an operation the manifest does not hold, before running it', async () => {
    h.simulator.resetCalls();
    connection.send({ id: 'unregistered', type: 'subscribe', payload: { query: '{ zones { id name } }' } });
    const answer = await connection.next((m) => m.id === 'unregistered');
    expect(answer).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'OPERATION_NOT_ALLOWED' } }] });
    expect(h.simulator.callCount()).toBe(0);
  });
});
