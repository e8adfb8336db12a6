import { SIMULATOR_DEFAULT_CREDENTIALS, ZenlayerSimulator } from '../src/simulator';
import { collect, Received, wsClient } from './helpers/ws';
import { CLIENT_AUTH_ENV, hsToken, JWT_SECRET, KEYS } from './helpers/clients';
import { GatewayProcess, runGatewayProcess, upstreamEnv } from './helpers/process';

/**
 * A session of good, bad and failing calls against the gateway running as its own process,
 * then a search of every response and every log line for every secret it was given.
 */
const METRICS_TOKEN = 'metrics-token-for-the-audit-session';

describe('secrets never shown, and the audit log', () => {
  jest.setTimeout(60_000);
  const simulator = new ZenlayerSimulator({ imageReadyDelayMs: 200 });
  let gateway: GatewayProcess;
  let url: string;
  let wsAnswer: Received;
  const responses: string[] = [];
  const tokens: string[] = [];

  const call = async (query: string, headers: Record<string, string>, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `session-${responses.length}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    responses.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
    return JSON.parse(text) as { data?: any; errors?: Array<{ extensions: Record<string, any>; message: string }> };
  };

  beforeAll(async () => {
    const upstream = await simulator.listen(0, '127.0.0.1');
    gateway = runGatewayProcess({
      NODE_ENV: 'production',
      LOG_LEVEL: 'trace',
      METRICS_TOKEN,
      ...upstreamEnv(upstream),
      ZENLAYER_TIMEOUT_MS: '1000',
      ...CLIENT_AUTH_ENV,
      CACHE_TTL_ZONES_SECONDS: '0',
      CACHE_TTL_QUOTAS_SECONDS: '0',
      CACHE_TTL_IMAGES_SECONDS: '0',
    });
    url = await gateway.graphqlUrl();

    const goodJwt = await hsToken({ scope: 'images:read images:write', sub: 'frontend-user-7' });
    const expiredJwt = await hsToken({ expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const foreignJwt = await hsToken({ secret: 'not-the-gateway-secret-not-the-gateway-secret' });
    tokens.push(goodJwt, expiredJwt, foreignJwt);

    await call('{ zones { id } imageQuotas { zoneId remaining } }', { 'x-api-key': KEYS.reader });
    await call('{ images { totalCount } }', { authorization: `Bearer ${KEYS.hashed}` });
    await call('{ zones { id } }', { authorization: `Bearer ${goodJwt}` });
    await call('{ zones { id } }', { authorization: `Bearer ${expiredJwt}` });
    await call('{ zones { id } }', { authorization: `Bearer ${foreignJwt}` });
    await call('{ zones { id } }', { 'x-api-key': `${KEYS.writer}-wrong` });
    await call('{ zones { id } }', {});
    await call('mutation { deleteImages(ids: ["img-fra-db-01"]) { deletedIds } }', { 'x-api-key': KEYS.reader });
    await call('mutation Make($i: CreateImageInput!) { createImage(input: $i) { imageId } }', { 'x-api-key': KEYS.writer }, {
      i: { instanceId: 'ins-fra-stopped', name: 'audited-image' },
    });
    await call('mutation Refused { createImage(input: { instanceId: "ins-fra-running", name: "refused" }) { imageId } }', { authorization: `Bearer ${goodJwt}` });
    simulator.injectFault('DescribeZones', { kind: 'error', status: 400, code: 'INVALID_PARAMETER_VALUE', message: `zoneIds invalid near ${SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword}` });
    await call('{ zones(zoneIds: ["FRA-A"]) { id } }', { 'x-api-key': KEYS.writer });
    simulator.injectFault('DescribeImageQuota', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' });
    await call('{ imageQuotas { zoneId } }', { 'x-api-key': KEYS.writer });
    simulator.injectFault('DescribeImages', { kind: 'reset' });
    await call('{ images { totalCount } }', { 'x-api-key': KEYS.writer });
    simulator.injectFault('DeleteImages', { kind: 'malformed' });
    await call('mutation Broken { deleteImages(ids: ["img-hkg-app-02"]) { deletedIds } }', { 'x-api-key': KEYS.writer });
    await call('mutation Bad { createImage(input: { instanceId: "ins-fra-stopped", name: "bad name!" }) { imageId } }', { 'x-api-key': KEYS.writer });
    // The same over WebSocket: audited alike.
    const ws = wsClient(url.replace(/\/graphql$/, ''), { 'x-api-key': KEYS.otherWriter });
    wsAnswer = await collect(ws, 'mutation OverWebSocket { deleteImages(ids: ["img-hkg-app-01"]) { deletedIds } }', {});
    await ws.dispose();
    // Every metric, scraped after the session: no secret in a label either.
    const scrape = await fetch(url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    responses.push(await scrape.text());
    await gateway.stop();
  });
  afterAll(async () => {
    await gateway?.stop();
    await simulator.close();
  });

  it('ran the session and logged it', () => {
    expect(responses).toHaveLength(16);
    expect(responses.at(-1)).toContain('zenlayer_upstream_calls_total{action="DeleteImages"');
    expect(gateway.lines.length).toBeGreaterThan(20);
  });

  it('shows no AccessKey password, API key or JWT in any response, log line or metric', () => {
    const secrets = [SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword, JWT_SECRET, METRICS_TOKEN, ...Object.values(KEYS), ...tokens];
    const everything = [...responses, ...gateway.lines, ...gateway.stderr];
    for (const secret of secrets) {
      const hits = everything.filter((text) => text.includes(secret));
      expect({ secret: secret.slice(0, 6), hits }).toEqual({ secret: secret.slice(0, 6), hits: [] });
    }
  });

  it('scrubs a secret out of an upstream message it passes on', () => {
    const scrubbed = responses.find((r) => r.includes('zoneIds invalid near'));
    expect(scrubbed).toContain('[redacted]');
  });

  it('writes one audit line per mutation that reached Zenlayer, with client (its namespaced identity), operation, action, request id and outcome', () => {
    const audit = gateway.lines.map((l) => JSON.parse(l)).filter((l) => l.audit === true);
    expect(audit).toEqual([
      expect.objectContaining({ client: 'key:ops-writer', operation: 'mutation Make', action: 'CreateImage', outcome: 'OK', upstreamRequestId: expect.stringMatching(/\S/) }),
      expect.objectContaining({
        client: 'jwt:https://id.example.com#frontend-user-7',
        operation: 'mutation Refused',
        action: 'CreateImage',
        outcome: 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING',
        upstreamRequestId: expect.stringMatching(/\S/),
      }),
      expect.objectContaining({ client: 'key:ops-writer', operation: 'mutation Broken', action: 'DeleteImages', outcome: 'GATEWAY_UPSTREAM_BAD_RESPONSE' }),
      expect.objectContaining({ client: 'key:batch-writer', operation: 'mutation OverWebSocket', action: 'DeleteImages', outcome: 'OK' }),
    ]);
    expect(wsAnswer.values).toEqual([{ data: { deleteImages: { deletedIds: ['img-hkg-app-01'] } } }]);
    for (const line of audit.slice(0, -1)) expect(line.requestId).toMatch(/^session-\d+$/);
    // An operation over WebSocket has a request id of its own, as an HTTP request has.
    expect(audit.at(-1).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
