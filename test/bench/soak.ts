/**
 * `npm run soak`: mixed reads and writes against the gateway while about 10% of upstream calls
 * fail in assorted ways, for SOAK_SECONDS (60 by default). Everything runs on 127.0.0.1 and
 * every loop is bounded in time. Prints requests served, errors by code, images created versus
 * creations acknowledged (they must be equal) and memory at start and end.
 */
import type { SimulatorFault } from '../../src/simulator';
import { startHarness } from '../helpers/harness';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WORKERS = 8;
const FAULT_RATE = 0.1;
const FAULTS: SimulatorFault[] = [
  { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' },
  { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' },
  { kind: 'error', status: 500, code: 'INTERNAL_SERVER_ERROR' },
  { kind: 'reset' },
  { kind: 'malformed' },
  { kind: 'html', status: 502 },
  { kind: 'empty' },
  { kind: 'latency', ms: 150 },
];
const INSTANCES = ['ins-fra-stopped', 'ins-hkg-stopped', 'ins-tyo-stopped'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0 || SECONDS > 3600) throw new Error('SOAK_SECONDS must be from 1 to 3600');
  const h = await startHarness(
    { LOG_LEVEL: 'silent', CIRCUIT_FAILURE_THRESHOLD: '20', CIRCUIT_HALF_OPEN_AFTER_MS: '500', RATE_LIMIT_PER_MINUTE: '0', UPSTREAM_RATE_PER_SECOND: '1000' },
    { imageReadyDelayMs: 100 },
  );
  for (const zone of ['FRA-A', 'HKG-A', 'TYO-A']) h.simulator.setQuota(zone, 1_000_000);

  const served = { total: 0 };
  const errors = new Map<string, number>();
  const acknowledged: string[] = [];
  const deletable: string[] = [];
  let faultsInjected = 0;

  const operation = (): { query: string; variables?: Record<string, unknown>; kind: string } => {
    const roll = Math.random();
    if (roll < 0.25) return { kind: 'create', query: 'mutation($i: CreateImageInput!) { createImage(input: $i) { imageId } }', variables: { i: { instanceId: pick(INSTANCES), name: `soak-${Date.now() % 1e6}` } } };
    if (roll < 0.35 && deletable.length > 0) return { kind: 'delete', query: 'mutation($ids: [ID!]!) { deleteImages(ids: $ids) { deletedIds } }', variables: { ids: [deletable.shift()!] } };
    if (roll < 0.5) return { kind: 'read', query: '{ imageQuotas { zoneId count remaining } }' };
    if (roll < 0.65) return { kind: 'read', query: '{ zones { id imageQuota { remaining } } }' };
    if (roll < 0.8) return { kind: 'read', query: `{ images(page: ${1 + Math.floor(Math.random() * 3)}, pageSize: 10) { totalCount items { id status } } }` };
    return { kind: 'read', query: `{ a: image(id: "img-fra-web-01") { name } b: image(id: "${acknowledged.at(-1) ?? 'img-none'}") { status } }` };
  };

  // The simulator's call log is tallied and emptied as we go, so that its growth does not hide the gateway's.
  let created = 0;
  const tally = () => {
    // A delayed call is still carried out; every other fault is served instead of the action.
    created += h.simulator.calls.filter((c) => c.action === 'CreateImage' && c.status === 200 && (!c.fault || c.fault === 'latency')).length;
    h.simulator.resetCalls();
  };
  const heapSamples: string[] = [];
  const sampler = setInterval(() => {
    tally();
    global.gc?.();
    heapSamples.push(mb(process.memoryUsage().heapUsed));
  }, Math.max(1000, (SECONDS * 1000) / 6));

  global.gc?.();
  const start = process.memoryUsage();
  const deadline = Date.now() + SECONDS * 1000;
  const began = Date.now();

  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (Date.now() < deadline) {
        if (Math.random() < FAULT_RATE) {
          h.simulator.injectFault('*', pick(FAULTS), 1);
          faultsInjected += 1;
        }
        const op = operation();
        const { body } = await h.graphql(op.query, op.variables);
        served.total += 1;
        const code = body.errors?.[0]?.extensions?.code as string | undefined;
        if (code) errors.set(code, (errors.get(code) ?? 0) + 1);
        if (op.kind === 'create' && body.data?.createImage?.imageId) {
          acknowledged.push(body.data.createImage.imageId);
          setTimeout(() => deletable.push(body.data!.createImage.imageId), 200).unref();
        }
      }
    }),
  );

  // Let images still CREATING finish, then compare what Zenlayer made with what clients were told.
  await new Promise((resolve) => setTimeout(resolve, 300));
  clearInterval(sampler);
  tally();
  global.gc?.();
  const end = process.memoryUsage();
  const seconds = (Date.now() - began) / 1000;
  await h.close();

  console.log(`soak: ${seconds.toFixed(0)} s, ${WORKERS} clients, about ${FAULT_RATE * 100}% of upstream calls faulted (${faultsInjected} faults injected)`);
  console.log(`requests served: ${served.total} (${(served.total / seconds).toFixed(0)}/s)`);
  console.log(`errors by code: ${[...errors].sort().map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  console.log(`images created: ${created}, creations acknowledged: ${acknowledged.length}${created === acknowledged.length ? ' (equal)' : ' (NOT EQUAL)'}`);
  console.log(`memory: rss ${mb(start.rss)} -> ${mb(end.rss)}, heap used ${mb(start.heapUsed)} -> ${mb(end.heapUsed)}${global.gc ? ' (after gc)' : ''}`);
  console.log(`heap used along the run: ${heapSamples.join(', ')}`);
  if (created !== acknowledged.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
