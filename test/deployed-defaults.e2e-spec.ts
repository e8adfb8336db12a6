import WebSocket from 'ws';
import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { eventually, Harness, startHarness, suiteSimulator } from './helpers/harness';
import { runGatewayProcess, upstreamEnv } from './helpers/process';
import { RedisServer, startRedis } from './helpers/redis-server';

/** A key as `openssl rand -base64 32` makes one. */
const SERVICE_KEY = 'q3Vd8Jk0ZrT5wYx2Lm9NcP4sHb7Ga1Ef6Ui';
const PRODUCTION = { NODE_ENV: 'production', GATEWAY_API_KEYS: API_KEYS_ENV };

const post = (url: string, headers: Record<string, string>, query = '{ zones { id } }') =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

describe('no open door by default: the product refuses to start with a setting that opens one', () => {
  jest.setTimeout(60_000);
  const { url: upstream } = suiteSimulator();

  it('refuses real Zenlayer credentials with no client authentication, and says what to set', async () => {
    const started = runGatewayProcess({ NODE_ENV: 'development', ...upstreamEnv(upstream()) });
    expect(await started.exited).toBe(1);
    const message = started.stderr.join('');
    expect(message).toMatch(/^Invalid configuration; fix these environment variables:\n {2}- GATEWAY_API_KEYS: is required with real Zenlayer credentials/);
    for (const name of ['JWT_SECRET', 'JWT_JWKS_URI', 'JWT_ISSUER', 'JWT_AUDIENCE', 'GATEWAY_ALLOW_UNAUTHENTICATED=true']) expect(message).toContain(name);
    expect(message).not.toContain('sim-key-password');
  });

  it('with the explicit opt-in, starts on loopback (HOST unset), warns by name, and opens CORS to no origin', async () => {
    const started = runGatewayProcess({ NODE_ENV: 'development', LOG_LEVEL: 'info', HOST: '', GATEWAY_ALLOW_UNAUTHENTICATED: 'true', ...upstreamEnv(upstream()) });
    try {
      const url = await started.graphqlUrl();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      const warning = started.lines.map((l) => JSON.parse(l)).find((l) => /NO CLIENT AUTHENTICATION/.test(l.msg));
      expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining('GATEWAY_ALLOW_UNAUTHENTICATED=true') });
      const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

      // Probes and scrapes are not logged at info on every hit; a request is, with its client address.
      const base = url.replace(/\/graphql$/, '');
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(base + path)).status).toBe(200);
      expect((await post(base, { 'x-forwarded-for': '198.51.100.23' })).status).toBe(200);
      await started.waitForLine(/"method":"POST","url":"\/graphql"/);
      const lines = started.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
      expect(lines.map((l) => l.req.url)).toEqual(expect.not.arrayContaining(['/healthz', '/readyz', '/metrics']));
      expect(lines.find((l) => l.req.url === '/graphql' && l.req.method === 'POST')).toMatchObject({ req: { method: 'POST', url: '/graphql' }, clientAddress: '198.51.100.23' });
    } finally {
      await started.stop();
    }
  });

  it('in production, refuses each weak setting at once, naming its variable and what to set, without echoing a secret', async () => {
    const started = runGatewayProcess({
      NODE_ENV: 'production',
      ...upstreamEnv(upstream()),
      GATEWAY_ALLOW_UNAUTHENTICATED: 'true',
      GATEWAY_API_KEYS: JSON.stringify([{ name: 'web', key: 'demo-read-write-key-change-me', scopes: ['images:read'] }]),
      JWT_JWKS_URI: 'http://idp.example.com/.well-known/jwks.json',
      METRICS_TOKEN: 'short-metrics-token',
      TRUST_PROXY: 'true',
      REQUEST_DEADLINE_MS: '30000',
      SHUTDOWN_GRACE_MS: '20000',
    });
    expect(await started.exited).toBe(1);
    const message = started.stderr.join('');
    const reasons = Object.fromEntries([...message.matchAll(/^ {2}- ([A-Z_]+): (.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(reasons).toEqual({
      GATEWAY_ALLOW_UNAUTHENTICATED: expect.stringContaining('not honoured in production'),
      GATEWAY_API_KEYS: expect.stringContaining('"key" must be at least 32 characters in production: generate one'),
      JWT_ISSUER: expect.stringContaining('is required in production with JWT'),
      JWT_AUDIENCE: expect.stringContaining('is required in production with JWT'),
      JWT_JWKS_URI: expect.stringContaining('must be an https:// URL in production'),
      METRICS_TOKEN: 'must be at least 32 characters in production: set a random string of 32+ characters',
      TRUST_PROXY: expect.stringContaining('must not be true'),
      SHUTDOWN_GRACE_MS: expect.stringContaining('must be at least REQUEST_DEADLINE_MS (30000 ms)'),
    });
    for (const secret of ['demo-read-write-key-change-me', 'short-metrics-token', 'sim-key-password']) expect(message).not.toContain(secret);
  });

  it('in production, refuses an API key that is a placeholder, however long', async () => {
    const started = runGatewayProcess({
      NODE_ENV: 'production',
      ...upstreamEnv(upstream()),
      GATEWAY_API_KEYS: JSON.stringify([{ name: 'web', key: 'REPLACE-WITH-A-LONG-RANDOM-KEY-0123456789', scopes: ['images:read'] }]),
    });
    expect(await started.exited).toBe(1);
    expect(started.stderr.join('')).toContain('GATEWAY_API_KEYS: entry 0: "key" looks like a placeholder, not a generated secret in production');
  });
});

describe('metrics in production', () => {
  it('are refused on the API port without METRICS_TOKEN, naming both ways to serve them', async () => {
    const h = await startHarness(PRODUCTION);
    try {
      const refused = await fetch(`${h.gateway.url}/metrics`);
      expect(refused.status).toBe(403);
      const problem = (await refused.json()) as { code: string; detail: string };
      expect(problem).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/METRICS_TOKEN.*METRICS_PORT/) });
      expect((await post(h.gateway.url, { 'x-api-key': KEYS.reader })).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('are served on METRICS_PORT alone, behind METRICS_TOKEN when it is set too', async () => {
    const h = await startHarness({ ...PRODUCTION, METRICS_PORT: '0', METRICS_TOKEN: SERVICE_KEY });
    try {
      const metricsUrl = new URL(h.gateway.metricsUrl);
      expect(metricsUrl.port).not.toBe(new URL(h.gateway.url).port);
      expect(metricsUrl.pathname).toBe('/metrics');
      // The API port (what the ingress exposes) has no /metrics at all.
      expect((await fetch(`${h.gateway.url}/metrics`, { headers: { authorization: `Bearer ${SERVICE_KEY}` } })).status).toBe(404);

      expect((await fetch(metricsUrl)).status).toBe(401);
      const scrape = await fetch(metricsUrl, { headers: { authorization: `Bearer ${SERVICE_KEY}`, 'x-request-id': 'scrape-1' } });
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('x-request-id')).toBe('scrape-1');
      expect((await fetch(new URL('/nothing', metricsUrl))).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(scrape.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await scrape.text()).toMatch(/^gateway_dependency_up\{dependency="upstream"\} 1$/m);
      expect((await fetch(new URL('/graphql', metricsUrl))).status).toBe(404);
      expect((await fetch(metricsUrl, { method: 'POST', headers: { authorization: `Bearer ${SERVICE_KEY}` } })).headers.get('allow')).toBe('GET, HEAD');
    } finally {
      await h.close();
    }
  });
});

describe('CORS with no CORS_ORIGINS', () => {
  it('answers any origin only in development on the embedded simulator, where no real credential is held', async () => {
    const { loadConfig } = await import('../src/config');
    const { startGateway } = await import('../src/gateway');
    const gateway = await startGateway(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', PORT: '0' }));
    try {
      expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
      const preflight = await fetch(`${gateway.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    } finally {
      await gateway.close();
    }
  });
});

describe('TRUST_PROXY: the client address behind an ingress', () => {
  // Every request here reaches the gateway from 127.0.0.1, as from an ingress, with the client's
  // address in X-Forwarded-For. TRUST_PROXY=0 believes no proxy: every client is the ingress.
  const AUTH_FAILURES_PER_MINUTE = 3;
  const attacker = { 'x-forwarded-for': '203.0.113.7' };
  const neighbour = { 'x-forwarded-for': '198.51.100.9' };

  const lockOut = async (url: string) => {
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE; i++) expect((await post(url, { ...attacker, 'x-api-key': `guess-${i}` })).status).toBe(401);
    expect((await post(url, { ...attacker, 'x-api-key': 'guess-last' })).status).toBe(429);
  };

  it('without a trusted proxy, one attacker\'s failed logins throttle every client behind the ingress', async () => {
    const h = await startHarness({ ...PRODUCTION, TRUST_PROXY: '0', AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE) });
    try {
      await lockOut(h.gateway.url);
      expect((await post(h.gateway.url, { ...neighbour, 'x-api-key': 'mistyped-key' })).status).toBe(429);
    } finally {
      await h.close();
    }
  });

  it('with TRUST_PROXY=1, failed logins from one forwarded address do not throttle another, over HTTP and WebSocket', async () => {
    const h = await startHarness({ ...PRODUCTION, TRUST_PROXY: '1', AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE) });
    try {
      await lockOut(h.gateway.url);
      expect((await post(h.gateway.url, { ...neighbour, 'x-api-key': 'mistyped-key' })).status).toBe(401);
      // Prepending a made-up hop does not escape: only the one trusted proxy's entry is believed.
      expect((await post(h.gateway.url, { 'x-forwarded-for': '192.0.2.1, 203.0.113.7', 'x-api-key': 'guess-spoofed' })).status).toBe(429);

      const closeOf = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const socket = new WebSocket(h.gateway.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws', { headers });
          socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': 'wrong-ws-key' } })));
          socket.on('close', (code) => resolve(code));
          socket.on('error', reject);
        });
      expect(await closeOf(attacker)).toBe(4429);
      expect(await closeOf(neighbour)).toBe(4401);
    } finally {
      await h.close();
    }
  });
});

describe('readiness means "send me traffic"', () => {
  jest.setTimeout(30_000);

  it('stays ready through an upstream outage, and nothing but traffic is needed to recover (as measured in the issue: threshold 2, half-open after 2 s)', async () => {
    const h = await startHarness({ CIRCUIT_FAILURE_THRESHOLD: '2', CIRCUIT_HALF_OPEN_AFTER_MS: '2000', ZENLAYER_MAX_ATTEMPTS: '1' });
    try {
      h.simulator.injectFault('*', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 2);
      for (let i = 0; i < 2; i++) await h.graphql('{ zones { id } }');
      const health = async () => ((await (await fetch(`${h.gateway.url}/healthz`)).json()) as { dependencies: { upstream: { circuit: string } } }).dependencies.upstream;
      expect(await health()).toEqual({ status: 'degraded', circuit: 'open' });
      // The outage is over, and no client sends anything: the pod is still in the Service.
      const ready = await fetch(`${h.gateway.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ok',
        info: { configuration: { status: 'up' }, lifecycle: { status: 'up' } },
        error: {},
        details: { configuration: { status: 'up' }, lifecycle: { status: 'up' } },
      });
    } finally {
      await h.close();
    }
  });

  describe('through a Redis outage', () => {
    let redis: RedisServer;
    let h: Harness;
    beforeAll(async () => {
      redis = await startRedis();
      h = await startHarness({ REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await h.close();
      await redis.stop();
    });

    const metric = async () => /^gateway_dependency_up\{dependency="redis"\} (\d)$/m.exec(await (await fetch(h.gateway.metricsUrl)).text())?.[1];
    const redisHealth = async () => ((await (await fetch(`${h.gateway.url}/healthz`)).json()) as { dependencies: { redis: unknown } }).dependencies.redis;

    it('stays 200, keeps serving reads, and shows the degradation in /healthz and the metrics until Redis is back', async () => {
      expect(await redisHealth()).toEqual({ status: 'up' });
      expect(await metric()).toBe('1');

      await redis.stop();
      await eventually(async () => expect(await redisHealth()).toEqual({ status: 'down' }));
      expect(await metric()).toBe('0');
      expect((await fetch(`${h.gateway.url}/readyz`)).status).toBe(200);
      const read = await h.graphql('{ zones { id } }');
      expect(read.body.errors).toBeUndefined();
      expect(read.body.data.zones).toHaveLength(5);

      await redis.start();
      await eventually(async () => expect(await redisHealth()).toEqual({ status: 'up' }), 10_000);
      expect(await metric()).toBe('1');
    });
  });
});
