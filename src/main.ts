import 'reflect-metadata';
import pino from 'pino';
import { ConfigError, GatewayConfig, loadConfig } from './config';
import { startTracing } from './observability/tracing';
import { missingFlags, relaunchWithNodeFlags } from './runtime-flags';

/** The longest the trace exporter may take to send its last spans at shutdown (Kubernetes' grace period counts it). */
const TRACE_FLUSH_TIMEOUT_MS = 5000;

/** `work`, or undefined once `ms` have passed; never rejects. */
const within = <T>(work: Promise<T>, ms: number): Promise<T | undefined> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    work.then(resolve, () => resolve(undefined)).finally(() => clearTimeout(timer));
  });

async function main(): Promise<void> {
  relaunchWithNodeFlags();
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
  if (config.metricsOnApiPort === 'needs-token') {
    log.warn('metrics: /metrics is refused on the API port in production; set METRICS_TOKEN to serve it there behind a bearer token, or METRICS_PORT to serve it on a port of its own');
  }
  const missing = missingFlags();
  if (missing.length === 0) log.info({ node: process.version, execArgv: process.execArgv }, `runtime: Node ${process.version} ${process.execArgv.join(' ')}`);
  else log.warn({ node: process.version, execArgv: process.execArgv }, `runtime: Node ${process.version} without ${missing.join(' ')} (this Node cannot relaunch itself with them): give them on the command line`);
  const stopTracing = config.otlpEndpoint ? startTracing(config.otlpEndpoint) : undefined;
  if (stopTracing) log.info({ endpoint: config.otlpEndpoint }, 'tracing: sending OpenTelemetry spans over OTLP/HTTP');
  // Loaded only now, so that tracing (when on) instruments the HTTP stack as it loads.
  const { startGateway } = await import('./gateway');
  const gateway = await startGateway(config);
  log.info({ upstream: gateway.upstreamUrl, mode: config.zenlayer.mode }, `upstream: ${config.zenlayer.mode === 'simulator' ? 'embedded simulator' : 'Zenlayer'} at ${gateway.upstreamUrl}`);
  if (config.metricsPort !== undefined) log.info(`metrics at ${gateway.metricsUrl}`);
  log.info(`GraphQL ready at ${gateway.url}/graphql`);

  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, `${signal}: draining (at most ${config.shutdownGraceMs} ms${stopTracing ? `, then ${TRACE_FLUSH_TIMEOUT_MS} ms to flush traces` : ''}), then exiting`);
    gateway.close().then(
      async () => {
        if (stopTracing) await within(stopTracing(), TRACE_FLUSH_TIMEOUT_MS);
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
