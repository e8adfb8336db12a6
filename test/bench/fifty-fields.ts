/**
 * Upstream calls per request for the 50-field operation (30 aliased imageQuota, 20 aliased
 * image), with caches off and on: `npm run bench`. Everything runs on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import { Harness, startHarness } from '../helpers/harness';

const ZONES = ['FRA-A', 'HKG-A', 'TYO-A', 'SIN-E', 'LAX-A'];
const IMAGES = ['img-fra-web-01', 'img-fra-db-01', 'img-hkg-app-01', 'img-hkg-app-02', 'img-hkg-cache-01'];
export const FIFTY_FIELDS = `{
  ${Array.from({ length: 30 }, (_, i) => `q${i}: imageQuota(zoneId: "${ZONES[i % ZONES.length]}") { zoneId count remaining }`).join('\n  ')}
  ${Array.from({ length: 20 }, (_, i) => `i${i}: image(id: "${IMAGES[i % IMAGES.length]}") { id name status }`).join('\n  ')}
}`;

const REQUESTS = 200;
const CONCURRENCY = 8;

async function measure(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const h: Harness = await startHarness({ LOG_LEVEL: 'silent', ...env });
  try {
    await h.graphql(FIFTY_FIELDS); // warm-up
    h.simulator.resetCalls();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < REQUESTS) {
          const { body } = await h.graphql(FIFTY_FIELDS);
          if (body.errors) throw new Error(JSON.stringify(body.errors));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const calls = h.simulator.callCount();
    console.log(
      `${name.padEnd(12)} ${REQUESTS} requests  ${(REQUESTS / seconds).toFixed(0).padStart(5)} req/s  ` +
        `upstream calls ${String(calls).padStart(4)}  per request ${(calls / REQUESTS).toFixed(3)}`,
    );
  } finally {
    await h.close();
  }
}

async function main(): Promise<void> {
  console.log(`50-field operation (30 imageQuota + 20 image), ${CONCURRENCY} concurrent clients, simulator on loopback`);
  await measure('caches off', {});
  await measure('caches on', { CACHE_TTL_ZONES_SECONDS: '300', CACHE_TTL_QUOTAS_SECONDS: '5', CACHE_TTL_IMAGES_SECONDS: '5' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
