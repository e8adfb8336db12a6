import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';
import { ConfigError, GatewayConfig, loadConfig } from './config';
import { startTracing } from './observability/tracing';

/**
 * How far V8 lets the heap grow past what was live after its last full collection, in percent.
 * Left to itself, under load it lets the old space grow to about four times the live data (some
 * 45 MB here) before collecting: about 280 MB of RSS. At 50% the peak stays near 165 MB for the
 * same throughput (see the README's Performance section). A `--heap-growing-percent` given to
 * node wins.
 */
const HEAP_GROWING_PERCENT = 50;

async function main(): Promise<void> {
  if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  let config: GatewayConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  // Start-up and shutdown lines are always shown, whatever LOG_LEVEL says about the rest.
  const log = pino({ level: ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'info', base: { context: 'bootstrap' } });
  if (config.zenlayer.mode === 'simulator') {
    log.warn('simulator mode: no ZENLAYER_ACCESS_KEY_ID/ZENLAYER_ACCESS_KEY_PASSWORD set, so the embedded Zenlayer simulator answers every call');
  }
  const stopTracing = config.otlpEndpoint ? startTracing(config.otlpEndpoint) : undefined;
  if (stopTracing) log.info({ endpoint: config.otlpEndpoint }, 'tracing: sending OpenTelemetry spans over OTLP/HTTP');
  // Loaded only now, so that tracing (when on) instruments the HTTP stack as it loads.
  const { startGateway } = await import('./gateway');
  const gateway = await startGateway(config);
  log.info({ upstream: gateway.upstreamUrl, mode: config.zenlayer.mode }, `upstream: ${config.zenlayer.mode === 'simulator' ? 'embedded simulator' : 'Zenlayer'} at ${gateway.upstreamUrl}`);
  log.info(`GraphQL ready at ${gateway.url}/graphql`);

  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, `${signal}: draining (at most ${config.shutdownGraceMs} ms), then exiting`);
    gateway.close().then(
      async () => {
        await stopTracing?.().catch(() => undefined);
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('SIGHUP', () => gateway.reloadCredentials());
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
