/**
 * `npm run simulator`: the simulator as its own process (for docker-compose, the benchmark and
 * manual testing). Logs JSON lines; stops cleanly on SIGTERM and SIGINT.
 */
import { readSimulatorEnv } from './env';
import { SIMULATOR_DEFAULT_CREDENTIALS, ZenlayerSimulator } from './simulator';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), component: 'zenlayer-simulator', msg, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

async function main(): Promise<void> {
  const result = readSimulatorEnv(process.env);
  if (!result.ok) {
    log('error', `Invalid simulator configuration: ${result.problems.join('; ')}`);
    process.exitCode = 1;
    return;
  }
  const { env } = result;
  const simulator = new ZenlayerSimulator(env);
  const url = await simulator.listen(env.port, env.host);
  log('info', 'Zenlayer simulator listening (test double: its /_simulator/ control routes are unauthenticated)', {
    url,
    host: env.host,
    port: env.port,
    accessKeyId: env.accessKeyId,
    defaultCredentials: env.accessKeyId === SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId,
    imageReadyDelayMs: env.imageReadyDelayMs,
    errorCodeStyle: env.errorCodeStyle,
  });
  const stop = (signal: NodeJS.Signals): void => {
    void simulator.close().then(() => log('info', 'Zenlayer simulator stopped', { signal }));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log('error', `Zenlayer simulator failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
