import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { AuthenticationHook } from './auth/authentication.hook';
import { Authenticator } from './auth/authenticator';
import { GatewayLogger } from './common/gateway-logger';
import { requestLimitsHook } from './graphql/graphql-limits';
import { clientErrorHandler, frameworkErrorHandler } from './common/errors';
import { securityHeaders } from './common/security-headers';
import { trustFunction } from './common/client-address';
import { registerHttpCaching } from './common/http-caching';
import { trustedDocumentsHook } from './common/trusted-documents';
import { requestContextHook, requestIdOf, RequestWithContext } from './common/request-context';
import { registerRequestLog } from './common/request-log';
import { answerUnsupportedMethods } from './common/method-not-allowed';
import { mountOpenApi } from './common/openapi';
import type { GatewayConfig } from './config';
import { Lifecycle } from './health/lifecycle';
import { FileCredentials } from './upstream/zenlayer';
import { graphqlWsServerOf, routeWebSocketUpgrades } from './graphql/websocket-upgrades';
import { registerHttpMetrics } from './observability/http-metrics';
import { Metrics } from './observability/metrics';
import { serveMetrics } from './observability/metrics-server';
import { playgroundHook } from './playground/playground';
import type { ZenlayerSimulator } from './simulator';

/** A running gateway, and the embedded simulator when it runs in simulator mode. */
export interface RunningGateway {
  app: INestApplication;
  /** Where the gateway listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The Zenlayer the gateway talks to. */
  upstreamUrl: string;
  /** Where Prometheus scrapes: `<url>/metrics`, or the METRICS_PORT listener's. */
  metricsUrl: string;
  simulator?: ZenlayerSimulator;
  /**
   * Stops accepting connections, lets in-flight requests finish (at most `graceMs`), closes
   * subscriptions and connections, then the embedded simulator. Reports not ready meanwhile.
   */
  close(graceMs?: number): Promise<void>;
  /** Re-reads ZENLAYER_CREDENTIALS_FILE; a bad file keeps the credentials in use. */
  reloadCredentials(): void;
}

/** Answer headers a browser's script may read across origins (CORS exposes only a few by default). */
const EXPOSED_HEADERS = ['ETag', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'];

/** Largest JSON body accepted; GraphQL documents have their own, smaller limit. */
const JSON_BODY_LIMIT = 256 * 1024;

/**
 * Starts the gateway. In simulator mode (no Zenlayer credentials, outside production) it first
 * starts the embedded simulator on a loopback port and points the upstream client at it: the
 * same client code path as against Zenlayer, only another base URL and key pair.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  let simulator: ZenlayerSimulator | undefined;
  if (config.zenlayer.mode === 'simulator') {
    // Loaded only in simulator mode: a production gateway never loads the test double.
    const { ZenlayerSimulator } = await import('./simulator');
    simulator = new ZenlayerSimulator({ ...config.simulator.credentials, imageReadyDelayMs: config.simulator.imageReadyDelayMs });
    const baseUrl = await simulator.listen(0, '127.0.0.1');
    config = { ...config, zenlayer: { ...config.zenlayer, baseUrl, credentials: config.simulator.credentials } };
  }

  const headers = securityHeaders();
  // Fastify rather than Express: chosen by measurement (docs/performance.md); the
  // bare framework alone answers several times more requests per second on Fastify.
  const adapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT,
    // TRUST_PROXY: whose X-Forwarded-For gives request.ip (WebSocket upgrades use the same function).
    trustProxy: trustFunction(config.trustProxy),
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: (raw: unknown) => requestIdOf(raw as RequestWithContext),
    // Slow clients: a request's headers and body must be in within REQUEST_TIMEOUT_MS, else 408
    // and the connection is closed (a body trickled in a byte at a time held it for minutes).
    // The time to answer does not count, nor do idle keep-alive gaps or upgraded (WebSocket)
    // connections. Node checks every connectionsCheckingInterval (30 s by default: too coarse).
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, Math.ceil(config.requestTimeoutMs / 4)) },
    // The router's and Node's own refusals (414, 431, 408, 400) answered like every other one.
    frameworkErrors: frameworkErrorHandler(headers),
    clientErrorHandler: clientErrorHandler(headers),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    // Throw instead of exiting the process, so the caller decides (main prints and exits 1).
    abortOnError: false,
  });
  app.useLogger(app.get(GatewayLogger));
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  // Every request, in this order: its context (id, deadline), security headers, CORS; then the
  // playground, authentication and rate limits; then, once the body is read, GraphQL's request
  // limits; once answered, its metrics and log line. Fastify hooks, not Express-style middleware.
  fastify.addHook('onRequest', requestContextHook(config.requestDeadlineMs));
  registerHttpMetrics(fastify, app.get(Metrics));
  registerRequestLog(fastify);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  answerUnsupportedMethods(fastify);
  app.enableCors({ origin: corsOrigin(config), maxAge: 600, exposedHeaders: EXPOSED_HEADERS });
  registerHttpCaching(fastify);
  const auth = app.get(AuthenticationHook);
  // A plugin, so that these hooks come after CORS's (registered as a plugin too); fastify-plugin
  // keeps them unencapsulated: they apply to every route of the gateway.
  await app.register(
    fastifyPlugin(async (instance) => {
      if (config.graphql.playground) instance.addHook('onRequest', playgroundHook());
      instance.addHook('onRequest', auth.onRequest);
      // Trusted-documents mode first: the limits then measure the registered text, not an id.
      if (config.graphql.trustedDocuments) instance.addHook('preHandler', trustedDocumentsHook(config.graphql.trustedDocuments));
      instance.addHook('preHandler', requestLimitsHook(config.graphql));
    }),
  );

  if (config.docs) mountOpenApi(app);

  if (!app.get(Authenticator).enabled) {
    const logger = await app.resolve(PinoLogger);
    logger.setContext('auth');
    logger.warn(
      config.zenlayer.mode === 'simulator'
        ? 'NO CLIENT AUTHENTICATION: every request is allowed with every scope (simulator mode). Set GATEWAY_API_KEYS or JWT_SECRET/JWT_JWKS_URI before exposing this gateway.'
        : `NO CLIENT AUTHENTICATION with real Zenlayer credentials (GATEWAY_ALLOW_UNAUTHENTICATED=true): anyone who reaches ${config.host}:${config.port} may use the AccessKey with every scope. Set GATEWAY_API_KEYS or JWT_SECRET/JWT_JWKS_URI instead.`,
    );
  }
  // Nest makes its graphql-ws server at init; the gateway then serves every upgrade itself.
  await app.init();
  routeWebSocketUpgrades(app.getHttpServer(), graphqlWsServerOf(app), config.graphql, headers);
  await app.listen(config.port, config.host);
  const metricsServer = config.metricsPort === undefined ? undefined : await serveMetrics(app.get(Metrics), config.metricsPort, config.host, config.metricsToken);

  const address = app.getHttpServer().address() as { port: number };
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${address.port}`;
  return {
    app,
    url,
    upstreamUrl: config.zenlayer.baseUrl,
    metricsUrl: metricsServer?.url ?? `${url}/metrics`,
    simulator,
    async close(graceMs = config.shutdownGraceMs) {
      app.get(Lifecycle).shuttingDown = true;
      const server = app.getHttpServer() as import('node:http').Server;
      const forced = setTimeout(() => server.closeAllConnections(), graceMs);
      forced.unref();
      await app.close();
      clearTimeout(forced);
      // Scraped until the API port is closed, so the drain itself shows in the metrics.
      await metricsServer?.close();
      await simulator?.close();
    },
    reloadCredentials() {
      const file = app.get(FileCredentials, { strict: false });
      const logger = app.get(GatewayLogger);
      if (!file) return logger.warn('SIGHUP: no ZENLAYER_CREDENTIALS_FILE is configured, nothing to reload', 'credentials');
      const result = file.reload();
      if (result.ok) logger.log(`SIGHUP: credentials re-read from ${file.path} (AccessKey ${result.accessKeyId}${result.changed ? ', changed' : ', unchanged'})`, 'credentials');
      else logger.error(`SIGHUP: kept the credentials in use; the new file is not usable: ${result.reason}`, undefined, 'credentials');
    },
  };
}

/**
 * The CORS allowlist. With none configured, any origin only in development on the simulator (a
 * local tool then, holding no real credential); otherwise no cross-origin access, so that a web
 * page the developer opens cannot reach a gateway that holds a real AccessKey.
 */
function corsOrigin(config: GatewayConfig): string[] | boolean {
  if (config.corsOrigins.length > 0) return config.corsOrigins;
  return config.nodeEnv === 'development' && config.zenlayer.mode === 'simulator';
}
