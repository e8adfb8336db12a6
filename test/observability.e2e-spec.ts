import { createServer, Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { AddressInfo } from 'node:net';
import { ZenlayerSimulator } from '../src/simulator';
import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { eventually, Harness, startHarness } from './helpers/harness';
import { GatewayProcess, runGatewayProcess, upstreamEnv } from './helpers/process';

/** A value of one sample of the Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)) || (wanted.length === 0 && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('metrics at /metrics', () => {
  let h: Harness;
  const metrics = async (headers: Record<string, string> = { authorization: 'Bearer metrics-token-0123456789' }) => (await fetch(`${h.gateway.url}/metrics`, { headers })).text();

  beforeAll(async () => {
    h = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV, METRICS_TOKEN: 'metrics-token-0123456789', CACHE_TTL_ZONES_SECONDS: '60', RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => h.close());

  it('asks for the metrics token when one is set', async () => {
    expect((await fetch(`${h.gateway.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${h.gateway.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect(await metrics()).toContain('process_cpu_user_seconds_total');
  });

  it('moves as calls succeed and fail', async () => {
    const before = await metrics();
    await h.graphql('query Listing { zones { id } }', undefined, { 'x-api-key': KEYS.reader });
    await h.graphql('query Listing { zones { id } }', undefined, { 'x-api-key': KEYS.reader });
    h.simulator.injectFault('DescribeImageQuota', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 3);
    await h.graphql('query Quotas { imageQuotas { zoneId } }', undefined, { 'x-api-key': KEYS.reader });
    await fetch(`${h.gateway.url}/v1/images/img-fra-web-01`, { headers: { 'x-api-key': KEYS.reader } });
    const after = await metrics();

    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('zenlayer_upstream_calls_total', { action: 'DescribeZones', outcome: 'OK' })).toBe(1);
    expect(delta('zenlayer_upstream_calls_total', { action: 'DescribeImageQuota', outcome: 'SERVICE_TEMPORARY_UNAVAILABLE' })).toBe(3);
    expect(delta('zenlayer_upstream_retries_total', { kind: 'read' })).toBe(2);
    // The second listing, and the image whose zone this gateway has not seen yet: it is looked for zone by zone, from the cached zone list.
    expect(delta('zenlayer_cache_reads_total', { action: 'DescribeZones', outcome: 'hit' })).toBe(2);
    expect(delta('zenlayer_upstream_call_duration_seconds_count', { action: 'DescribeZones' })).toBe(1);
    expect(delta('graphql_operations_total', { type: 'query', operation: 'Listing', outcome: 'ok' })).toBe(2);
    expect(delta('graphql_operations_total', { type: 'query', operation: 'Quotas', outcome: 'error' })).toBe(1);
    expect(delta('http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBe(3);
    expect(delta('http_requests_total', { method: 'GET', route: '/v1/images/:id', status: '200' })).toBe(1);
    expect(sample(after, 'zenlayer_upstream_circuit_state', { state: 'closed' })).toBe(1);
  });

  it('keeps label values bounded: no ids, no free text', async () => {
    await fetch(`${h.gateway.url}/v1/images/img-some-id-42`, { headers: { 'x-api-key': KEYS.reader } });
    await h.graphql('query DropTable_Robert { zones { id } }', undefined, { 'x-api-key': KEYS.reader });
    await h.graphql('query { zones { id } }', undefined, { 'x-api-key': KEYS.reader });
    const text = await metrics();
    expect(text).not.toContain('img-some-id-42');
    expect(text).toContain('operation="anonymous"');
    expect(text).not.toContain(KEYS.reader);
  });

  it('counts client rate-limit rejections', async () => {
    const limited = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV, RATE_LIMIT_PER_MINUTE: '1' });
    try {
      for (let i = 0; i < 3; i++) await limited.graphql('{ zones { id } }', undefined, { 'x-api-key': KEYS.reader });
      const text = await (await fetch(`${limited.gateway.url}/metrics`)).text();
      expect(sample(text, 'rate_limit_rejections_total', { limiter: 'client' })).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

describe('logs and traces of one request, from the gateway process', () => {
  jest.setTimeout(60_000);
  const simulator = new ZenlayerSimulator();
  let collector: Server;
  const spans: Array<{ traceId: string; name: string; parentSpanId?: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }> = [];
  let gateway: GatewayProcess;
  let url: string;
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  beforeAll(async () => {
    const upstream = await simulator.listen(0, '127.0.0.1');
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
        const body = req.url === '/v1/traces' && text ? JSON.parse(text) : {};
        for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...scope.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    gateway = runGatewayProcess({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      ...upstreamEnv(upstream),
      GATEWAY_API_KEYS: API_KEYS_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    url = await gateway.graphqlUrl();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': KEYS.reader,
        'x-request-id': 'frontend-7f3a',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ query: 'query Dashboard { zones { id } imageQuotas(zoneIds: ["FRA-A"]) { remaining } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('frontend-7f3a');
  });
  afterAll(async () => {
    await gateway?.stop();
    await simulator.close();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('finds every upstream call of a request, with Zenlayer request ids, from its x-request-id alone', async () => {
    const lines = () => gateway.lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === 'frontend-7f3a');
    await eventually(async () => expect(lines().some((l) => l.msg === 'request completed')).toBe(true));
    // One line per request, listing the upstream calls that served it.
    const completed = lines().find((l) => l.msg === 'request completed');
    const upstream: Array<Record<string, unknown>> = completed.upstream;
    expect(upstream.map((l) => l.action).sort()).toEqual(['DescribeImageQuota', 'DescribeZones']);
    for (const call of upstream) expect(call).toMatchObject({ attempt: 1, durationMs: expect.any(Number), upstreamRequestId: expect.stringMatching(/^T/) });
    expect(completed).toMatchObject({
      client: 'key:frontend-reader',
      operation: 'query Dashboard',
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('traces the request, the GraphQL operation and each upstream call under the client\'s trace', async () => {
    await eventually(async () => expect(spans.filter((s) => s.traceId === traceId && s.name.startsWith('zenlayer ')).length).toBe(2), 10_000);
    const names = spans.filter((s) => s.traceId === traceId).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['zenlayer DescribeZones', 'zenlayer DescribeImageQuota']));
    expect(names.some((n) => /^POST/.test(n))).toBe(true);
    expect(names.some((n) => /graphql|query/i.test(n))).toBe(true);
    const upstream = spans.find((s) => s.name === 'zenlayer DescribeZones')!;
    expect(upstream.attributes).toContainEqual({ key: 'zenlayer.request_id', value: { stringValue: expect.stringMatching(/^T/) } });
  });
});
