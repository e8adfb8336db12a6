import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, ModuleRef } from '@nestjs/core';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { AuthModule } from './auth/auth.module';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { Authenticator } from './auth/authenticator';
import { ClientRateLimiter } from './auth/client-rate-limiter';
import type { Identity } from './auth/identity';
import type { AuthenticatedRequest } from './auth/scopes.guard';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { GraphqlContext, Loaders } from './common/graphql-context';
import { GatewayLogger } from './common/gateway-logger';
import { formatGraphqlError, ProblemFilter } from './common/errors';
import { limitRules, limitsPlugin } from './common/graphql-limits';
import { graphqlWsOptions } from './graphql/graphql-ws';
import { RedisModule } from './common/redis.module';
import { requestLogFields } from './common/request-log';
import { graphqlMetricsPlugin } from './observability/graphql-metrics.plugin';
import { Metrics } from './observability/metrics';
import { ObservabilityModule } from './observability/observability.module';
import { REDACTED_LOG_PATHS } from './common/secrets';
import { gatewayValidationPipe } from './common/validation/validation.pipe';
import { ConfigModule, GATEWAY_CONFIG, GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { Lifecycle } from './health/lifecycle';
import { ImagesLoaders } from './modules/images/images.loaders';
import { ImagesModule } from './modules/images/images.module';
import { InstancesLoaders } from './modules/instances/instances.loaders';
import { InstancesModule } from './modules/instances/instances.module';
import { QuotasLoaders } from './modules/quotas/quotas.loaders';
import { QuotasModule } from './modules/quotas/quotas.module';
import { ZonesLoaders } from './modules/zones/zones.loaders';
import { ZonesModule } from './modules/zones/zones.module';
import { ZenlayerModule } from './upstream/zenlayer';

/**
 * The loaders of one GraphQL operation, each made when a resolver first asks for it: most
 * operations use one or two of them, and they are made for every operation.
 */
class OperationLoaders implements Loaders {
  #image?: Loaders['image'];
  #imageQuota?: Loaders['imageQuota'];
  #zone?: Loaders['zone'];
  #instance?: Loaders['instance'];
  #imageInFlight?: Loaders['imageInFlight'];
  #zoneInstances?: Loaders['zoneInstances'];

  constructor(
    private readonly images: ImagesLoaders,
    private readonly quotas: QuotasLoaders,
    private readonly zones: ZonesLoaders,
    private readonly instances: InstancesLoaders,
  ) {}

  get image() {
    return (this.#image ??= this.images.create());
  }
  get imageQuota() {
    return (this.#imageQuota ??= this.quotas.create());
  }
  get zone() {
    return (this.#zone ??= this.zones.create());
  }
  get instance() {
    return (this.#instance ??= this.instances.instance());
  }
  get imageInFlight() {
    return (this.#imageInFlight ??= this.instances.imageInFlight());
  }
  get zoneInstances() {
    return (this.#zoneInstances ??= this.instances.zoneInstances());
  }
}

const featureModules = [ImagesModule, QuotasModule, ZonesModule, InstancesModule];

/** Stands for a caller the authentication layer did not identify: it holds no scope. */
const NOBODY: Identity = { kind: 'anonymous', id: 'unidentified', name: 'unidentified', scopes: new Set() };

/** The gateway, built around an already validated configuration. */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Every line logged while serving a request carries its id. The request's own line
            // is written by a Fastify hook (request-log.ts): pino-http's two child loggers per
            // request cost more than the rest of the logging together.
            mixin: requestLogFields,
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
          },
          forRoutes: [],
        }),
        ObservabilityModule,
        TerminusModule.forRoot({ logger: false }),
        RedisModule,
        AuthModule,
        ZenlayerModule,
        ...featureModules,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: featureModules,
          inject: [GATEWAY_CONFIG, ImagesLoaders, QuotasLoaders, ZonesLoaders, InstancesLoaders, Authenticator, Metrics, AuthFailureLimiter, GraphQLSchemaHost, ModuleRef],
          useFactory: (cfg: GatewayConfig, images: ImagesLoaders, quotas: QuotasLoaders, zones: ZonesLoaders, instances: InstancesLoaders, authenticator: Authenticator, metrics: Metrics, authFailures: AuthFailureLimiter, schemaHost: GraphQLSchemaHost, moduleRef: ModuleRef) => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            playground: false,
            introspection: cfg.graphql.introspection,
            validationRules: limitRules(cfg.graphql),
            // No cache hints in this schema: Apollo's cache-control plugin would only add work to every field.
            plugins: [limitsPlugin(cfg.graphql), graphqlMetricsPlugin(metrics), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
            allowBatchedHttpRequests: true,
            subscriptions: {
              // Every operation over WebSocket held to the HTTP rules, plus connection and subscription caps (graphql/graphql-ws.ts).
              'graphql-ws': {
                path: '/graphql',
                ...graphqlWsOptions({
                  limits: cfg.graphql,
                  authenticator,
                  authFailures,
                  // AuthModule does not export its limiter; this is the same instance HTTP requests count against.
                  rateLimiter: { consume: (key) => moduleRef.get(ClientRateLimiter, { strict: false }).consume(key) },
                  schema: () => schemaHost.schema,
                }),
              },
            },
            // Guards also run for field resolvers, so nested upstream-backed fields check scopes too.
            fieldResolverEnhancers: ['guards'],
            includeStacktraceInErrorResponses: false,
            // With introspection off (the production default), no "Did you mean ...?" either:
            // Apollo's option covers validation errors, the formatter variable coercion errors.
            hideSchemaDetailsFromClientErrors: !cfg.graphql.introspection,
            formatError: (formatted, error) => formatGraphqlError(formatted, error, { hideSuggestions: !cfg.graphql.introspection }),
            // Over HTTP, Apollo's Fastify integration passes the request; over graphql-ws, the
            // subscription's context with the identity from connection_init.
            context: (from: AuthenticatedRequest | { extra?: { identity?: Identity } }): GraphqlContext => {
              const req = 'raw' in from ? from : undefined;
              return {
                req,
                identity: req?.identity ?? ('extra' in from ? from.extra?.identity : undefined) ?? NOBODY,
                loaders: new OperationLoaders(images, quotas, zones, instances),
              };
            },
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_PIPE, useFactory: gatewayValidationPipe }, { provide: APP_FILTER, useClass: ProblemFilter }, GatewayLogger, Lifecycle],
    };
  }
}
