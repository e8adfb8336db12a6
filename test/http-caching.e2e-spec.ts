import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';
import { RedisServer, startRedis } from './helpers/redis-server';

const METRICS_TOKEN = 'q3Vd8Jk0ZrT5wYx2Lm9NcP4sHb7Ga1Ef6Ui';
const PRODUCTION = { NODE_ENV: 'production', GATEWAY_API_KEYS: API_KEYS_ENV, RATE_LIMIT_PER_MINUTE: '50', CORS_ORIGINS: 'https://app.example.com', METRICS_TOKEN };
const scrape = (h: Harness) => fetch(h.gateway.metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
const reader = { 'x-api-key': KEYS.reader };
const writer = { 'x-api-key': KEYS.writer };

/** `"per-client";r=49;t=60` as numbers. */
const standing = (response: Response) => {
  const match = /^"per-client";r=(\d+);t=(\d+)$/.exec(response.headers.get('ratelimit') ?? '');
  return match ? { remaining: Number(match[1]), resetSeconds: Number(match[2]) } : undefined;
};

describe('cache headers, conditional GETs and rate-limit state', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(PRODUCTION);
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const get = (path: string, headers: Record<string, string> = reader) => fetch(`${h.gateway.url}${path}`, { headers });

  it('answers a REST GET as private and revalidatable, with a strong ETag, the credential headers in Vary and the client\'s rate-limit state', async () => {
    const first = await get('/v1/zones');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('vary')).toMatch(/Authorization, X-API-Key/);
    expect(first.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get('ratelimit-policy')).toBe('"per-client";q=50;w=60');
    const before = standing(first)!;
    expect(before.resetSeconds).toBeGreaterThan(0);
    expect(before.resetSeconds).toBeLessThanOrEqual(60);
    await first.arrayBuffer();

    const second = await get('/v1/zones');
    expect(standing(second)!.remaining).toBe(before.remaining - 1);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('answers 304 with no body to a matching If-None-Match, still counted, logged by its request id, and 200 once a write changed the answer', async () => {
    const path = '/v1/images?zoneId=FRA-A&type=CUSTOM_IMAGE';
    const first = await get(path);
    const etag = first.headers.get('etag')!;
    const body = (await first.json()) as { items: Array<{ id: string }> };
    const before = standing(first)!.remaining;

    const notModified = await get(path, { ...reader, 'if-none-match': etag, 'x-request-id': 'poll-304' });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('x-request-id')).toBe('poll-304');
    expect(notModified.headers.get('cache-control')).toBe('private, no-cache');
    expect(standing(notModified)!.remaining).toBe(before - 1);
    // A list of validators and the weak form match too; another tag does not.
    expect((await get(path, { ...reader, 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    const other = await get(path, { ...reader, 'if-none-match': '"other"' });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    const metrics = await (await scrape(h)).text();
    expect(metrics).toMatch(/^http_requests_total\{method="GET",route="\/v1\/images",status="304"\} 2$/m);

    const renamed = await fetch(`${h.gateway.url}/v1/images`, {
      method: 'PATCH',
      headers: { ...writer, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [body.items[0].id], name: 'renamed-for-etag' }),
    });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('cache-control')).toBe('private, no-store');
    expect(renamed.headers.get('etag')).toBeNull();
    await renamed.arrayBuffer();

    const changed = await get(path, { ...reader, 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(JSON.stringify(await changed.json())).toContain('renamed-for-etag');
  });

  it('answers GraphQL, over POST and GET, as private and not to be stored, with Vary and the rate-limit state, and no ETag', async () => {
    const post = await fetch(`${h.gateway.url}/graphql`, { method: 'POST', headers: { ...reader, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ zones { id } }' }) });
    const viaGet = await fetch(`${h.gateway.url}/graphql?query=${encodeURIComponent('{ zones { id } }')}`, { headers: { ...reader, 'apollo-require-preflight': 'true' } });
    for (const response of [post, viaGet]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('vary')).toMatch(/Authorization, X-API-Key/);
      expect(response.headers.get('etag')).toBeNull();
      expect(standing(response)).toEqual({ remaining: expect.any(Number), resetSeconds: expect.any(Number) });
      await response.arrayBuffer();
    }
    expect(standing(viaGet)!.remaining).toBe(standing(post)!.remaining - 1);
  });

  it('marks refusals private too, a rate-limit refusal with r=0 beside Retry-After', async () => {
    const refused = await get('/v1/zones', { 'x-api-key': 'not-a-key-of-this-gateway-0123456789' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('private, no-store');
    expect(refused.headers.get('vary')).toMatch(/Authorization, X-API-Key/);
    await refused.arrayBuffer();

    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const response = await get('/v1/zones', { 'x-api-key': KEYS.otherWriter });
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(limited).toBeDefined();
    expect(standing(limited!)).toEqual({ remaining: 0, resetSeconds: Number(limited!.headers.get('retry-after')) });
    expect(limited!.headers.get('cache-control')).toBe('private, no-store');
    await limited!.arrayBuffer();
  });

  it('gives probes and metrics no-store, the API documents no-cache, and neither the rate-limit fields', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${h.gateway.url}${path}`);
      // Terminus spells it out for /readyz: no-cache, no-store, must-revalidate.
      expect(response.headers.get('cache-control')).toMatch(/^(no-cache, )?no-store(, must-revalidate)?$/);
      expect(response.headers.get('ratelimit')).toBeNull();
      await response.arrayBuffer();
    }
    const metrics = await scrape(h);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('cache-control')).toBe('no-store');
    await metrics.arrayBuffer();
  });

  it('lets a browser on an allowed origin read ETag, the rate-limit fields and Retry-After', async () => {
    const response = await get('/v1/zones', { ...reader, origin: 'https://app.example.com' });
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').split(',').map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'ratelimit', 'ratelimit-policy', 'retry-after', 'x-request-id']));
    expect(response.headers.get('vary')).toMatch(/Origin/);
    await response.arrayBuffer();
  });
});

describe('the API documents and the playground', () => {
  it('are served with no-cache (the same for everyone, revalidated), the playground\'s vendored assets as immutable', async () => {
    const h = await startHarness({ DOCS_ENABLED: 'true' });
    try {
      const document = await fetch(`${h.gateway.url}/docs-json`);
      expect(document.headers.get('cache-control')).toBe('no-cache');
      await document.arrayBuffer();
      const page = await fetch(`${h.gateway.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const html = await page.text();
      const asset = /(?:src|href)="(\/[^"]+\.(?:js|css))"/.exec(html)![1];
      const vendored = await fetch(`${h.gateway.url}${asset}`);
      expect(vendored.status).toBe(200);
      expect(vendored.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
      await vendored.arrayBuffer();
    } finally {
      await h.close();
    }
  });
});

describe('rate-limit state across two replicas sharing Redis', () => {
  jest.setTimeout(30_000);
  let redis: RedisServer;
  let replicas: Harness[];
  beforeAll(async () => {
    redis = await startRedis();
    replicas = [await startHarness({ ...PRODUCTION, REDIS_URL: redis.url }), await startHarness({ ...PRODUCTION, REDIS_URL: redis.url })];
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await redis.stop();
  });

  it('counts down one window, whichever replica answers', async () => {
    const remaining: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${replicas[i % 2].gateway.url}/v1/zones`, { headers: { 'x-api-key': KEYS.picker } });
      expect(response.status).toBe(200);
      remaining.push(standing(response)!.remaining);
      await response.arrayBuffer();
    }
    expect(remaining).toEqual([49, 48, 47, 46, 45, 44]);
  });
});
