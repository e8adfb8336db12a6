import { loadConfig } from '../../src/config';
import { RunningGateway, startGateway } from '../../src/gateway';
import { SIMULATOR_DEFAULT_CREDENTIALS, SimulatorOptions, ZenlayerSimulator } from '../../src/simulator';
import { ReadCache } from '../../src/upstream/zenlayer/read-cache';

export interface GraphqlAnswer<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }> };
}

/** A simulator and a gateway on loopback ports, wired as a deployment would wire them. */
export interface Harness {
  simulator: ZenlayerSimulator;
  gateway: RunningGateway;
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphqlAnswer<T>>;
  /** The simulator back to its seed and the gateway's cache emptied, so tests do not depend on each other. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(env: NodeJS.ProcessEnv = {}, simulatorOptions: SimulatorOptions = { imageReadyDelayMs: 300 }): Promise<Harness> {
  const simulator = new ZenlayerSimulator(simulatorOptions);
  const upstreamUrl = await simulator.listen(0, '127.0.0.1');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ZENLAYER_BASE_URL: upstreamUrl,
    ZENLAYER_ACCESS_KEY_ID: SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId,
    ZENLAYER_ACCESS_KEY_PASSWORD: SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword,
    ZENLAYER_TIMEOUT_MS: '1500',
    ZENLAYER_RETRY_BASE_MS: '10',
    REQUEST_DEADLINE_MS: '8000',
    // Suites inject failures freely; the circuit breaker has its own suite.
    CIRCUIT_FAILURE_THRESHOLD: '1000',
    // Suites that change the simulator's state directly would otherwise read cached answers.
    CACHE_TTL_ZONES_SECONDS: '0',
    CACHE_TTL_QUOTAS_SECONDS: '0',
    CACHE_TTL_IMAGES_SECONDS: '0',
    ...testAuthDefaults(env),
    ...env,
  });
  const gateway = await startGateway(config);
  return {
    simulator,
    gateway,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlAnswer['body'] };
    },
    async reset() {
      simulator.reset();
      await gateway.app.get(ReadCache).invalidate(['DescribeZones', 'DescribeImageQuota', 'DescribeImages', 'DescribeImage', 'DescribeInstances']);
    },
    async close() {
      await gateway.close();
      await simulator.close();
    },
  };
}

/**
 * One simulator on a loopback port for the enclosing describe block: listening before its first
 * test, closed after its last. `url()` is its base URL once listening.
 */
export function suiteSimulator(options?: SimulatorOptions): { simulator: ZenlayerSimulator; url: () => string } {
  const simulator = new ZenlayerSimulator(options);
  let url = '';
  beforeAll(async () => {
    url = await simulator.listen(0, '127.0.0.1');
  });
  afterAll(() => simulator.close());
  return { simulator, url: () => url };
}

/**
 * The simulator's key pair counts as real Zenlayer credentials, so a suite that configures no
 * client authentication says so by name (outside production, the only place it is honoured).
 */
export const testAuthDefaults = (env: NodeJS.ProcessEnv): Record<string, string> =>
  env.NODE_ENV === 'production' ? {} : { GATEWAY_ALLOW_UNAUTHENTICATED: 'true' };

/** Polls until `check` passes or the time is up; bounded in count and time. */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** What a recorded simulator call carried, as the JSON object the gateway sends. */
export const sent = (call: { body: unknown }): Record<string, any> => (typeof call.body === 'object' && call.body !== null ? (call.body as Record<string, any>) : {});
