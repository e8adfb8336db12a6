/**
 * `npm run bench`: what the gateway adds to the upstream's own cost, measured on loopback.
 *
 * Starts the standalone simulator and two built gateways in production mode (caches off, and
 * caches on), then drives, with autocannon and 32 connections, interleaved over BENCH_ROUNDS
 * rounds of BENCH_SECONDS each:
 *   (a) signed DescribeImageQuota straight to the simulator,
 *   (b) GraphQL imageQuotas(zoneIds: ["FRA-A","HKG-A"]),
 *   (c) REST GET /v1/image-quotas?zoneIds=FRA-A,HKG-A,
 *   (d) the 50-field batched operation,
 *   (e) (b) with caches on,
 *   (f) and (g): (b) and (c) against a bare NestJS + Fastify + Apollo app answering constants
 *       (baseline-app.ts), the ceiling of the framework itself on this machine.
 * Prints requests per second, p50/p99 latency, upstream calls per request, the gateway's RSS,
 * the ratios to (a) and whether the targets hold. Then (b) runs alone for BENCH_STEADY_SECONDS
 * (60 by default), sampling the gateway's RSS every second, to show that memory does not grow.
 * BENCH_CPU_PROFILE=1 also writes a CPU profile of the caches-off gateway and prints its
 * hottest functions.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizationHeader } from '../../src/upstream/zenlayer/signer';
import { topFunctions } from './top-functions';

const ROOT = join(__dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 32;
const PROFILE = process.env.BENCH_CPU_PROFILE === '1';
/** Length of the closing steady run of (b) that checks the gateway's memory does not grow; 0 skips it. */
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
const API_KEY = 'bench-key-0123456789abcdef';
const SIM_KEYS = { accessKeyId: 'sim-key-id', accessKeyPassword: 'sim-key-password' };

const ZONES = ['FRA-A', 'HKG-A', 'TYO-A', 'SIN-E', 'LAX-A'];
const IMAGES = ['img-fra-web-01', 'img-fra-db-01', 'img-hkg-app-01', 'img-hkg-app-02', 'img-hkg-cache-01'];
const FIFTY_FIELDS = `{ ${Array.from({ length: 30 }, (_, i) => `q${i}: imageQuota(zoneId: "${ZONES[i % 5]}") { zoneId count remaining }`).join(' ')} ${Array.from(
  { length: 20 },
  (_, i) => `i${i}: image(id: "${IMAGES[i % 5]}") { id name status }`,
).join(' ')} }`;
const QUOTAS_QUERY = '{ imageQuotas(zoneIds: ["FRA-A", "HKG-A"]) { zoneId count maxCount } }';

const children: ChildProcess[] = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

interface Started {
  child: ChildProcess;
  url: string;
}

/** Starts a built entry point and waits (at most 30 s) for the line that gives its URL. */
function start(args: string[], env: Record<string, string>, urlOf: (line: Record<string, any>) => string | undefined): Promise<Started> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start in 30 s`)), 30_000);
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n').slice(0, -1)) {
        try {
          const url = urlOf(JSON.parse(line));
          if (url) {
            clearTimeout(timer);
            resolve({ child, url });
          }
        } catch {
          // not a JSON line
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

const gatewayEnv = (simulatorUrl: string, cacheSeconds: string): Record<string, string> => ({
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  ZENLAYER_BASE_URL: simulatorUrl,
  ZENLAYER_ACCESS_KEY_ID: SIM_KEYS.accessKeyId,
  ZENLAYER_ACCESS_KEY_PASSWORD: SIM_KEYS.accessKeyPassword,
  GATEWAY_API_KEYS: JSON.stringify([{ name: 'bench', key: API_KEY, scopes: ['images:read', 'images:write'] }]),
  CACHE_TTL_ZONES_SECONDS: cacheSeconds,
  CACHE_TTL_QUOTAS_SECONDS: cacheSeconds,
  CACHE_TTL_IMAGES_SECONDS: cacheSeconds,
  RATE_LIMIT_PER_MINUTE: '0',
  UPSTREAM_RATE_PER_SECOND: '100000',
  UPSTREAM_CONCURRENCY: '256',
  UPSTREAM_QUEUE_SIZE: '100000',
  GRAPHQL_MAX_COST: '100000',
});

const gatewayUrl = (line: Record<string, any>) => /GraphQL ready at (\S+)\/graphql/.exec(String(line.msg))?.[1];

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

interface Scenario {
  key: string;
  title: string;
  options: () => autocannon.Options;
  /** Gateway whose upstream calls are counted. */
  upstreamCounted: boolean;
}

interface Tally {
  rps: number[];
  p50: number[];
  p99: number[];
  errors: number;
  requests: number;
  upstreamCalls: number;
}

/** What is wrong with the BENCH_* settings, one line each; empty when they are usable. */
function settingProblems(): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(SECONDS) || SECONDS < 1 || SECONDS > 300) problems.push(`BENCH_SECONDS must be a number of seconds from 1 to 300 (got ${process.env.BENCH_SECONDS})`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 10) problems.push(`BENCH_ROUNDS must be a whole number from 1 to 10 (got ${process.env.BENCH_ROUNDS})`);
  if (!Number.isInteger(STEADY_SECONDS) || (STEADY_SECONDS !== 0 && (STEADY_SECONDS < 20 || STEADY_SECONDS > 600))) {
    problems.push(`BENCH_STEADY_SECONDS must be 0 (no steady run) or a whole number of seconds from 20 to 600 (got ${process.env.BENCH_STEADY_SECONDS})`);
  }
  return problems;
}

async function main(): Promise<void> {
  const simulator = await start(['dist/simulator/main'], { SIMULATOR_HOST: '127.0.0.1', SIMULATOR_PORT: '0', SIMULATOR_IMAGE_READY_MS: '1000' }, (l) => l.url);
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'gateway-profile-')) : undefined;
  const plain = await start([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'dist/main'], gatewayEnv(simulator.url, '0'), gatewayUrl);
  const cached = await start(['dist/main'], gatewayEnv(simulator.url, '60'), gatewayUrl);
  const baseline = await start(['-r', 'ts-node/register/transpile-only', 'test/bench/baseline-app.ts'], { NODE_ENV: 'production' }, (l) => l.url);
  const simHost = new URL(simulator.url).host;

  const signedHeaders = () => {
    const body = '{"zoneIds":["FRA-A","HKG-A"]}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      'content-type': 'application/json',
      'x-zc-service': 'vm',
      'x-zc-version': '2023-03-13',
      'x-zc-action': 'DescribeImageQuota',
      'x-zc-timestamp': timestamp,
      'x-zc-signature-method': 'ZC2-HMAC-SHA256',
      authorization: authorizationHeader(SIM_KEYS, { host: simHost, timestamp, body }),
    };
  };
  const graphql = (url: string, query: string): autocannon.Options => ({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ query }),
  });
  const scenarios: Scenario[] = [
    { key: 'a', title: 'direct: signed DescribeImageQuota', upstreamCounted: false, options: () => ({ url: `${simulator.url}/api/v2/vm`, method: 'POST', headers: signedHeaders(), body: '{"zoneIds":["FRA-A","HKG-A"]}' }) },
    { key: 'b', title: 'GraphQL imageQuotas', upstreamCounted: true, options: () => graphql(plain.url, QUOTAS_QUERY) },
    { key: 'c', title: 'REST /v1/image-quotas', upstreamCounted: true, options: () => ({ url: `${plain.url}/v1/image-quotas?zoneIds=FRA-A,HKG-A`, headers: { 'x-api-key': API_KEY } }) },
    { key: 'd', title: 'GraphQL 50-field operation', upstreamCounted: true, options: () => graphql(plain.url, FIFTY_FIELDS) },
    { key: 'e', title: 'GraphQL imageQuotas, caches on', upstreamCounted: true, options: () => graphql(cached.url, QUOTAS_QUERY) },
    { key: 'f', title: 'bare framework: GraphQL, constants', upstreamCounted: false, options: () => graphql(baseline.url, QUOTAS_QUERY) },
    { key: 'g', title: 'bare framework: REST, constants', upstreamCounted: false, options: () => ({ url: `${baseline.url}/v1/image-quotas?zoneIds=FRA-A,HKG-A` }) },
  ];

  // Every scenario answers correctly before anything is measured.
  for (const scenario of scenarios) {
    const { url, method, headers, body } = scenario.options();
    const response = await fetch(url as string, { method, headers: headers as Record<string, string>, body: body as string | undefined });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) throw new Error(`(${scenario.key}) answers ${response.status}: ${text.slice(0, 300)}`);
  }

  const tallies = new Map<string, Tally>(scenarios.map((s) => [s.key, { rps: [], p50: [], p99: [], errors: 0, requests: 0, upstreamCalls: 0 }]));
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(rssKb(plain.child.pid!, 'VmRSS')), 500);
  let rssAfterFirstRound = 0;

  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      await autocannon({ ...scenario.options(), connections: CONNECTIONS, duration: 1 }); // warm-up
      await fetch(`${simulator.url}/_simulator/calls`, { method: 'DELETE' });
      const result = await autocannon({ ...scenario.options(), connections: CONNECTIONS, duration: SECONDS });
      const calls = ((await (await fetch(`${simulator.url}/_simulator/calls`)).json()) as { calls: unknown[] }).calls.length;
      await fetch(`${simulator.url}/_simulator/calls`, { method: 'DELETE' });
      const tally = tallies.get(scenario.key)!;
      tally.rps.push(result.requests.average);
      tally.p50.push(result.latency.p50);
      tally.p99.push(result.latency.p99);
      tally.errors += result.non2xx + result.errors + result.timeouts;
      tally.requests += result.requests.total;
      tally.upstreamCalls += calls;
      process.stderr.write(`round ${round}/${ROUNDS} (${scenario.key}) ${scenario.title}: ${result.requests.average.toFixed(0)} req/s\n`);
    }
    if (round === 1) rssAfterFirstRound = rssKb(plain.child.pid!, 'VmRSS');
  }
  clearInterval(sampler);
  const rssEnd = rssKb(plain.child.pid!, 'VmRSS');

  // Steady load: RSS in the first and the last 10 s of a long run of (b).
  let steady: { first: number; last: number; requests: number; errors: number } | undefined;
  if (STEADY_SECONDS > 0) {
    process.stderr.write(`steady run: (b) for ${STEADY_SECONDS} s\n`);
    const samples: number[] = [];
    const steadySampler = setInterval(() => samples.push(rssKb(plain.child.pid!, 'VmRSS')), 1000);
    const result = await autocannon({ ...scenarios.find((s) => s.key === 'b')!.options(), connections: CONNECTIONS, duration: STEADY_SECONDS });
    clearInterval(steadySampler);
    const window = Math.min(10, Math.floor(samples.length / 3));
    steady = {
      first: Math.max(...samples.slice(0, window)),
      last: Math.max(...samples.slice(-window)),
      requests: result.requests.total,
      errors: result.non2xx + result.errors + result.timeouts,
    };
  }
  // The high-water mark of the whole run, steady part included.
  const peakRss = rssKb(plain.child.pid!, 'VmHWM');
  const peakRssCached = rssKb(cached.child.pid!, 'VmHWM');

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const row = (key: string) => {
    const t = tallies.get(key)!;
    return { rps: mean(t.rps), p50: mean(t.p50), p99: mean(t.p99), errors: t.errors, perRequest: t.requests ? t.upstreamCalls / t.requests : 0 };
  };

  console.log(`\nmachine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, Node ${process.version}; ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s`);
  console.log('scenario                                   req/s    p50 ms   p99 ms   upstream calls/req   errors');
  for (const scenario of scenarios) {
    const r = row(scenario.key);
    console.log(
      `(${scenario.key}) ${scenario.title.padEnd(37)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(8)}   ${scenario.upstreamCounted ? r.perRequest.toFixed(3).padStart(18) : '                 -'}   ${String(r.errors).padStart(6)}`,
    );
  }
  const [a, b, c, d, , f, g] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(row);
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  console.log(`\nratios: throughput b/a ${(b.rps / a.rps).toFixed(2)}, c/a ${(c.rps / a.rps).toFixed(2)}; p99 b/a ${(b.p99 / a.p99).toFixed(2)}, c/a ${(c.p99 / a.p99).toFixed(2)}`);
  console.log(
    `the bare framework's ceiling: f/a ${(f.rps / a.rps).toFixed(2)}, g/a ${(g.rps / a.rps).toFixed(2)}; the gateway reaches b/f ${(b.rps / f.rps).toFixed(2)} of it for GraphQL, c/g ${(c.rps / g.rps).toFixed(2)} for REST`,
  );
  console.log(
    `gateway (caches off) RSS: ${mb(Math.min(...rssSamples))}–${mb(Math.max(...rssSamples))} while loaded, peak ${mb(peakRss)}; after round 1 ${mb(rssAfterFirstRound)}, at the end ${mb(rssEnd)}; caches-on gateway peak ${mb(peakRssCached)}`,
  );
  if (steady) {
    console.log(
      `steady ${STEADY_SECONDS} s of (b): ${steady.requests} requests, ${steady.errors} errors; gateway RSS at most ${mb(steady.first)} in the first 10 s, ${mb(steady.last)} in the last 10 s (×${(steady.last / steady.first).toFixed(2)})`,
    );
  }
  const targets: Array<[string, boolean]> = [
    ['GraphQL throughput ≥ 0.5× direct', b.rps >= 0.5 * a.rps],
    ['REST throughput ≥ 0.6× direct', c.rps >= 0.6 * a.rps],
    ['GraphQL p99 ≤ 3× direct p99', b.p99 <= 3 * a.p99],
    ['REST p99 ≤ 3× direct p99', c.p99 <= 3 * a.p99],
    ['peak RSS < 200 MB', peakRss < 200 * 1024],
    ...(steady ? [['no memory growth over the steady run (last 10 s within 10% of the first)', steady.last <= steady.first * 1.1 && steady.errors === 0] as [string, boolean]] : []),
    ['50-field operation ≤ 2 upstream calls per request', d.perRequest <= 2],
    ['no errors', [...tallies.values()].every((t) => t.errors === 0)],
  ];
  for (const [name, ok] of targets) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);

  stopAll();
  if (profileDir) {
    await new Promise((resolve) => plain.child.once('exit', resolve));
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      console.log(`\nCPU profile of the caches-off gateway: ${join(profileDir, file)}`);
      console.log(topFunctions(join(profileDir, file), 25));
    }
  }
  if (process.env.BENCH_STRICT === '1' && targets.some(([, ok]) => !ok)) process.exitCode = 1;
}

const problems = settingProblems();
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
