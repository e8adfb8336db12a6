/**
 * Micro-benchmark of {@link ReadCache.read}, in process, no network:
 *
 *   npx ts-node --transpile-only test/bench/read-cache-micro.ts
 *
 * Prints ns per read() for the paths the gateway takes: a hit in memory (a small quota answer
 * and a 20-image page), a coalesced miss (caching off, a slow fetch that many reads join), a
 * plain miss with caching off (the fetch answers at once) and a miss with caching on (a new
 * request each time, so every read also stores, and the LRU bound evicts). Each case runs ROUNDS
 * times over ITERATIONS reads and the median is shown; a hit should be the cheapest line.
 */
import { ReadCache } from '../../src/upstream/zenlayer/read-cache';

const ITERATIONS = Number(process.env.MICRO_ITERATIONS ?? 200_000);
const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 3);
/** Reads issued together while one slow fetch is in flight (the first misses, the rest join it). */
const BATCH = 1_000;

const ttl = (ms: number) => ({ DescribeZones: ms, DescribeImageQuota: ms, DescribeImages: ms, DescribeImage: ms, DescribeInstances: ms });

// What the service asks and gets for `imageQuotas(zoneIds: ["FRA-A", "HKG-A"])`.
const quotaRequest = { zoneIds: ['FRA-A', 'HKG-A'] };
const quotaAnswer = {
  requestId: 'req-0123456789',
  response: { images: [{ zoneId: 'FRA-A', count: 2, maxCount: 10 }, { zoneId: 'HKG-A', count: 5, maxCount: 10 }] },
};
// A listing as the images service sends it: unset filters are present as undefined.
const pageRequest = { imageIds: undefined, imageName: undefined, zoneId: 'FRA-A', category: undefined, imageType: 'CUSTOM_IMAGE', osType: undefined, imageStatus: undefined, pageNum: 1, pageSize: 20 };
const pageAnswer = {
  requestId: 'req-9876543210',
  response: {
    totalCount: 57,
    dataSet: Array.from({ length: 20 }, (_, i) => ({
      imageId: `img-fra-${i}`,
      imageName: `web-${i}`,
      imageType: 'CUSTOM_IMAGE',
      imageSize: '20',
      imageDescription: 'nightly build of the web tier',
      imageVersion: '2024.06',
      imageStatus: 'AVAILABLE',
      category: 'Ubuntu',
      osType: 'linux',
    })),
  },
};

let reads = 0;
const newCache = (ms: number) =>
  new ReadCache({
    ttlMs: ttl(ms),
    maxEntriesPerAction: 2000,
    onRead: () => void reads++, // stands in for the metrics counter
    onStoreError: (error) => {
      throw error;
    },
  });

type Case = { name: string; run: (n: number) => Promise<void> };

async function hit(n: number, request: object, answer: unknown): Promise<void> {
  const cache = newCache(60_000);
  const fetch = async () => answer;
  await cache.read('DescribeImageQuota', request, fetch);
  for (let i = 0; i < n; i++) await cache.read('DescribeImageQuota', request, fetch);
  await cache.close();
}

async function coalesced(n: number): Promise<void> {
  const cache = newCache(0);
  for (let done = 0; done < n; done += BATCH) {
    let release!: (value: unknown) => void;
    const gate = new Promise((resolve) => (release = resolve));
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < BATCH; i++) batch.push(cache.read('DescribeImageQuota', quotaRequest, () => gate));
    release(quotaAnswer);
    await Promise.all(batch);
  }
  await cache.close();
}

async function missOff(n: number): Promise<void> {
  const cache = newCache(0);
  const fetch = async () => quotaAnswer;
  for (let i = 0; i < n; i++) await cache.read('DescribeImageQuota', quotaRequest, fetch);
  await cache.close();
}

async function missOn(n: number): Promise<void> {
  const cache = newCache(60_000);
  const fetch = async () => quotaAnswer;
  for (let i = 0; i < n; i++) await cache.read('DescribeImageQuota', { zoneIds: ['FRA-A', `Z-${i}`] }, fetch);
  await cache.close();
}

const cases: Case[] = [
  { name: 'hit, memory (quota answer)', run: (n) => hit(n, quotaRequest, quotaAnswer) },
  { name: 'hit, memory (20-image page)', run: (n) => hit(n, pageRequest, pageAnswer) },
  { name: 'coalesced miss, caching off', run: coalesced },
  { name: 'miss, caching off', run: missOff },
  { name: 'miss, caching on (stores)', run: missOn },
];

async function main(): Promise<void> {
  // Warm up every path once so that the first case does not pay for compiling the shared code.
  for (const c of cases) await timed(c, Math.min(ITERATIONS, 20_000));

  const rows: string[] = [];
  for (const c of cases) {
    const samples: number[] = [];
    for (let r = 0; r < ROUNDS; r++) samples.push(await timed(c, ITERATIONS));
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    rows.push(`${c.name.padEnd(32)} ${median.toFixed(0).padStart(8)}   ${samples.map((s) => s.toFixed(0)).join(' / ')}`);
  }
  console.log(`node ${process.version}, ${ITERATIONS} reads per round, median of ${ROUNDS}`);
  console.log(`${'case'.padEnd(32)} ${'ns/read'.padStart(8)}   rounds`);
  for (const row of rows) console.log(row);
  if (reads === 0) throw new Error('onRead was never called');
}

/** ns per read() of one round of a case. */
async function timed(c: Case, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  await c.run(iterations);
  return Number(process.hrtime.bigint() - start) / iterations;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
