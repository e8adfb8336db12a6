import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATOR_DEFAULT_CREDENTIALS } from '../src/simulator';
import { Harness, startHarness, suiteSimulator } from './helpers/harness';
import { runGatewayProcess } from './helpers/process';

const CREATE = 'mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "resilient" }) { imageId } }';
const customImagesIn = async (h: Harness, zoneId: string) =>
  (await h.graphql(`{ images(filter: { zoneId: "${zoneId}", type: CUSTOM_IMAGE }) { totalCount } }`)).body.data!.images.totalCount as number;

describe('upstream resilience', () => {
  describe('retries', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ ZENLAYER_MAX_ATTEMPTS: '3' });
    });
    afterAll(() => h.close());
    beforeEach(() => h.reset());

    it('answers a read that failed twice with 503 and then succeeded', async () => {
      h.simulator.injectFault('DescribeImageQuota', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 2);
      const { body } = await h.graphql('{ imageQuota(zoneId: "FRA-A") { count } }');
      expect(body).toEqual({ data: { imageQuota: { count: 2 } } });
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(3);
    });

    it('does not repeat a CreateImage that failed with 503: one call, a clear error', async () => {
      h.simulator.injectFault('CreateImage', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 5);
      const { body } = await h.graphql(CREATE);
      expect(body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: { action: 'CreateImage', code: 'SERVICE_TEMPORARY_UNAVAILABLE' } });
      expect(h.simulator.callCount('CreateImage')).toBe(1);
    });

    it('repeats a CreateImage that Zenlayer throttled: exactly one image', async () => {
      h.simulator.injectFault('CreateImage', { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' }, 1);
      const { body } = await h.graphql(CREATE);
      expect(body.errors).toBeUndefined();
      expect(h.simulator.callCount('CreateImage')).toBe(2);
      expect(await customImagesIn(h, 'TYO-A')).toBe(1);
    });

    it('does not repeat a write whose connection was reset: it may have been carried out', async () => {
      h.simulator.injectFault('DeleteImages', { kind: 'reset', afterApply: true }, 1);
      const { body } = await h.graphql('mutation { deleteImages(ids: ["img-fra-web-01"]) { deletedIds } }');
      expect(body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(h.simulator.callCount('DeleteImages')).toBe(1);
    });
  });

  describe('deadline', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ REQUEST_DEADLINE_MS: '800', ZENLAYER_TIMEOUT_MS: '5000' });
    });
    afterAll(() => h.close());

    it('answers UPSTREAM_UNAVAILABLE within the deadline when Zenlayer hangs', async () => {
      h.simulator.injectFault('DescribeZones', { kind: 'latency', ms: 4000 }, 1);
      const started = Date.now();
      const { body } = await h.graphql('{ zones { id } }');
      const took = Date.now() - started;
      expect(body.errors![0]).toMatchObject({ message: expect.stringMatching(/deadline of 800 ms/), extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(took).toBeGreaterThanOrEqual(750);
      expect(took).toBeLessThan(2500);
    });
  });

  describe('circuit breaker', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ ZENLAYER_MAX_ATTEMPTS: '1', CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_HALF_OPEN_AFTER_MS: '400' });
    });
    afterAll(() => h.close());

    it('opens after a run of failures, fails fast, shows in /healthz and the metrics but not in readiness, probes and closes', async () => {
      h.simulator.injectFault('*', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 3);
      for (let i = 0; i < 3; i++) await h.graphql('{ zones { id } }');
      expect(h.simulator.callCount()).toBe(3);

      const fast = await h.graphql('{ imageQuotas { zoneId } }');
      expect(fast.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: { code: 'GATEWAY_CIRCUIT_OPEN' } });
      expect(h.simulator.callCount()).toBe(3);
      // Every replica shares the outage: readiness stays up, so the pods stay in the Service and
      // the next client call can half-open the circuit.
      expect((await fetch(`${h.gateway.url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${h.gateway.url}/healthz`)).json()).toEqual({ status: 'ok', dependencies: { upstream: { status: 'degraded', circuit: 'open' } } });
      expect(await (await fetch(h.gateway.metricsUrl)).text()).toContain('gateway_dependency_up{dependency="upstream"} 0');

      await new Promise((resolve) => setTimeout(resolve, 450));
      const probe = await h.graphql('{ zones { id } }');
      expect(probe.body.errors).toBeUndefined();
      expect(await (await fetch(`${h.gateway.url}/healthz`)).json()).toEqual({ status: 'ok', dependencies: { upstream: { status: 'up', circuit: 'closed' } } });
      expect(await (await fetch(h.gateway.metricsUrl)).text()).toContain('gateway_dependency_up{dependency="upstream"} 1');
    });
  });

  describe('shared upstream limits', () => {
    it('queues calls beyond the concurrency limit and refuses past the queue with RATE_LIMITED', async () => {
      const h = await startHarness({ UPSTREAM_CONCURRENCY: '1', UPSTREAM_QUEUE_SIZE: '1' });
      try {
        h.simulator.injectFault('*', { kind: 'latency', ms: 300 }, 10);
        const zones = ['FRA-A', 'HKG-A', 'TYO-A', 'SIN-E'];
        const answers = await Promise.all(zones.map((z) => h.graphql(`{ zones(zoneIds: ["${z}"]) { id } }`)));
        const codes = answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? 'OK');
        expect(codes.sort()).toEqual(['OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
        expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(2);
      } finally {
        await h.close();
      }
    });

    it('paces calls to the configured rate (token bucket)', async () => {
      const h = await startHarness({ UPSTREAM_RATE_PER_SECOND: '2', UPSTREAM_QUEUE_SIZE: '10' });
      try {
        const started = Date.now();
        const zones = ['FRA-A', 'HKG-A', 'TYO-A', 'SIN-E'];
        const answers = await Promise.all(zones.map((z) => h.graphql(`{ zones(zoneIds: ["${z}"]) { id } }`)));
        for (const answer of answers) expect(answer.body.errors).toBeUndefined();
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      } finally {
        await h.close();
      }
    });
  });
});

describe('lifecycle of the gateway process', () => {
  jest.setTimeout(60_000);
  const { simulator, url: upstream } = suiteSimulator();
  beforeEach(() => simulator.reset());

  const env = (extra: Record<string, string> = {}) => ({
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    ZENLAYER_BASE_URL: upstream(),
    CACHE_TTL_ZONES_SECONDS: '0',
    // The simulator's key pair is a real credential to the gateway; these tests need no client auth.
    GATEWAY_ALLOW_UNAUTHENTICATED: 'true',
    ...extra,
  });

  it('finishes in-flight requests on SIGTERM, refuses new ones, and exits 0', async () => {
    const gateway = runGatewayProcess(
      env({ ZENLAYER_ACCESS_KEY_ID: SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId, ZENLAYER_ACCESS_KEY_PASSWORD: SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword }),
    );
    try {
      const url = await gateway.graphqlUrl();
      simulator.injectFault('DescribeZones', { kind: 'latency', ms: 1000 }, 1);
      const inFlight = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ zones { id } }' }) });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the request is now waiting on Zenlayer
      gateway.child.kill('SIGTERM');
      await gateway.waitForLine(/SIGTERM: draining/);
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as any).data.zones).toHaveLength(5);
      expect(await gateway.exited).toBe(0);
      await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
    } finally {
      await gateway.stop();
    }
  });

  it('re-reads the credentials file on SIGHUP without dropping a request, and keeps the old ones when the new file is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zl-creds-'));
    const file = join(dir, 'zenlayer.json');
    writeFileSync(file, JSON.stringify(SIMULATOR_DEFAULT_CREDENTIALS));
    const gateway = runGatewayProcess(env({ ZENLAYER_CREDENTIALS_FILE: file }));
    const ask = async () => {
      const response = await fetch(await gateway.graphqlUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ zones { id } }' }),
      });
      return (await response.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> };
    };
    try {
      expect((await ask()).errors).toBeUndefined();

      // Zenlayer rotates the key: the old one stops working, the file gets the new one.
      const rotated = { accessKeyId: 'rotated-id', accessKeyPassword: 'rotated-password-1' };
      simulator.setCredentials([rotated]);
      expect((await ask()).errors?.[0].extensions.code).toBe('UPSTREAM_ERROR');
      writeFileSync(file, JSON.stringify(rotated));
      gateway.child.kill('SIGHUP');
      await gateway.waitForLine(/credentials re-read/);
      expect((await ask()).errors).toBeUndefined();

      writeFileSync(file, '{"accessKeyId": "half-written');
      gateway.child.kill('SIGHUP');
      await gateway.waitForLine(/kept the credentials in use/);
      expect((await ask()).errors).toBeUndefined();
      expect(gateway.lines.join('\n')).not.toContain('rotated-password-1');
    } finally {
      await gateway.stop();
    }
  });
});
