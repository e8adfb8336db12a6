/**
 * `npm run soak`: mixed reads and writes against the gateway while about 10% of upstream calls
 * fail in assorted ways, for SOAK_SECONDS (60 by default). Every create carries an idempotency
 * key and is repeated as a frontend would (honouring retryable errors) until it settles; some
 * CreateImage calls are carried out by the simulator only after the gateway gave up on them
 * (`delayed-write`). Everything runs on 127.0.0.1 and every loop is bounded in count and time.
 * Prints requests served, errors by code, images created versus keys acknowledged, duplicates
 * per key (must be 0), wrong answers (must be 0) and memory at start and end.
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
/** The harness's upstream timeout is 1.5 s: this write lands a second after the gateway gave up. */
const LATE_WRITE: SimulatorFault = { kind: 'delayed-write', ms: 2500 };
const LATE_WRITE_RATE = 0.05;
const SETTLE_SECONDS = 3;
const RETRYABLE = new Set(['UPSTREAM_UNAVAILABLE', 'RATE_LIMITED', 'STORE_UNAVAILABLE']);
const INSTANCES = ['ins-fra-stopped', 'ins-hkg-stopped', 'ins-tyo-stopped'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const CREATE = 'mutation($i: CreateImageInput!, $k: String) { createImage(input: $i, idempotencyKey: $k) { imageId } }';
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0 || SECONDS > 3600) throw new Error('SOAK_SECONDS must be from 1 to 3600');
  const h = await startHarness(
    {
      LOG_LEVEL: 'silent',
      CIRCUIT_FAILURE_THRESHOLD: '20',
      CIRCUIT_HALF_OPEN_AFTER_MS: '500',
      RATE_LIMIT_PER_MINUTE: '0',
      UPSTREAM_RATE_PER_SECOND: '1000',
      IDEMPOTENCY_SETTLE_SECONDS: String(SETTLE_SECONDS),
    },
    { imageReadyDelayMs: 100 },
  );
  for (const zone of ['FRA-A', 'HKG-A', 'TYO-A']) h.simulator.setQuota(zone, 1_000_000);

  const served = { total: 0 };
  const errors = new Map<string, number>();
  const acknowledged: string[] = [];
  const deletable: string[] = [];
  let faultsInjected = 0;
  let lateWrites = 0;
  let keys = 0;
  /** Per key's image name: the image ids clients were told. */
  const toldByName = new Map<string, Set<string>>();

  const operation = (): { query: string; variables?: Record<string, unknown>; kind: string } => {
    const roll = Math.random();
    if (roll < 0.25) {
      const name = `soak-${++keys}`;
      return { kind: 'create', query: CREATE, variables: { i: { instanceId: pick(INSTANCES), name }, k: `key-${name}` } };
    }
    if (roll < 0.35 && deletable.length > 0) return { kind: 'delete', query: 'mutation($ids: [ID!]!) { deleteImages(ids: $ids) { deletedIds } }', variables: { ids: [deletable.shift()!] } };
    if (roll < 0.5) return { kind: 'read', query: '{ imageQuotas { zoneId count remaining } }' };
    if (roll < 0.65) return { kind: 'read', query: '{ zones { id imageQuota { remaining } } }' };
    if (roll < 0.8) return { kind: 'read', query: `{ images(page: ${1 + Math.floor(Math.random() * 3)}, pageSize: 10) { totalCount items { id status } } }` };
    return { kind: 'read', query: `{ a: image(id: "img-fra-web-01") { name } b: image(id: "${acknowledged.at(-1) ?? 'img-none'}") { status } }` };
  };

  // The simulator's call log is tallied and emptied as we go, so that its growth does not hide the gateway's.
  let created = 0;
  const createdByName = new Map<string, number>();
  const tally = () => {
    // Delayed calls are still carried out (status 200); every other fault is served instead of the action.
    for (const call of h.simulator.calls) {
      if (call.action !== 'CreateImage' || call.code !== undefined) continue;
      if (call.status !== 200) continue;
      const name = (call.body as { imageName: string }).imageName;
      createdByName.set(name, (createdByName.get(name) ?? 0) + 1);
      created += 1;
    }
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
        if (Math.random() < LATE_WRITE_RATE) {
          h.simulator.injectFault('CreateImage', LATE_WRITE, 1);
          lateWrites += 1;
        }
        const op = operation();
        // A create is repeated with its key, as a frontend would, until it succeeds or fails for good.
        for (let tries = 0; tries < 40; tries++) {
          const { body } = await h.graphql(op.query, op.variables);
          served.total += 1;
          const code = body.errors?.[0]?.extensions?.code as string | undefined;
          if (code) errors.set(code, (errors.get(code) ?? 0) + 1);
          const imageId = body.data?.createImage?.imageId as string | undefined;
          if (op.kind === 'create' && imageId) {
            const name = (op.variables!.i as { name: string }).name;
            const told = toldByName.get(name) ?? new Set<string>();
            toldByName.set(name, told.add(imageId));
            if (!acknowledged.includes(imageId)) {
              acknowledged.push(imageId);
              setTimeout(() => deletable.push(imageId), 200).unref();
            }
          }
          if (op.kind !== 'create' || !code || !RETRYABLE.has(code) || Date.now() > deadline + 2 * SETTLE_SECONDS * 1000) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(500, 1000 * Number(body.errors![0].extensions!.retryAfter ?? 0.2))));
        }
      }
    }),
  );

  // Let late writes land and images still CREATING finish, then compare what Zenlayer made with what clients were told.
  await new Promise((resolve) => setTimeout(resolve, LATE_WRITE.kind === 'delayed-write' ? LATE_WRITE.ms + 300 : 300));
  clearInterval(sampler);
  tally();
  global.gc?.();
  const end = process.memoryUsage();
  const seconds = (Date.now() - began) / 1000;
  await h.close();

  console.log(`soak: ${seconds.toFixed(0)} s, ${WORKERS} clients, about ${FAULT_RATE * 100}% of upstream calls faulted (${faultsInjected} faults injected)`);
  console.log(`requests served: ${served.total} (${(served.total / seconds).toFixed(0)}/s)`);
  console.log(`errors by code: ${[...errors].sort().map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  const duplicates = [...createdByName].filter(([, count]) => count > 1);
  const wrongAnswers = [...toldByName].filter(([, ids]) => ids.size > 1);
  console.log(`late writes injected (carried out after the gateway gave up): ${lateWrites}`);
  const unanswered = [...createdByName.keys()].filter((name) => !toldByName.has(name));
  console.log(`keys: ${keys}, images created: ${created}, keys acknowledged: ${toldByName.size}, images whose key's client gave up first: ${unanswered.length}`);
  console.log(`duplicates per key: ${duplicates.length}${duplicates.length ? ` (${duplicates.map(([n, c]) => `${n} x${c}`).join(', ')})` : ''}; keys answered with two ids: ${wrongAnswers.length}`);
  console.log(`memory: rss ${mb(start.rss)} -> ${mb(end.rss)}, heap used ${mb(start.heapUsed)} -> ${mb(end.heapUsed)}${global.gc ? ' (after gc)' : ''}`);
  console.log(`heap used along the run: ${heapSamples.join(', ')}`);
  if (duplicates.length > 0 || wrongAnswers.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
