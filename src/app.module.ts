import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { GatewayLogger } from './common/gateway-logger';
import { ProblemFilter } from './common/errors';
import { GraphqlOptionsFactory } from './graphql/graphql-options.factory';
import { RedisModule } from './common/redis.module';
import { requestLogFields } from './common/request-log';
import { ObservabilityModule } from './observability/observability.module';
import { REDACTED_LOG_PATHS } from './common/secrets';
import { gatewayValidationPipe } from './common/validation/validation.pipe';
import { ConfigModule, GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { Lifecycle } from './health/lifecycle';
import { DependencyHealth } from './health/dependency-health';
import { ImagesModule } from './modules/images/images.module';
import { InstancesModule } from './modules/instances/instances.module';
import { QuotasModule } from './modules/quotas/quotas.module';
import { ZonesModule } from './modules/zones/zones.module';
import { ZenlayerModule } from './upstream/zenlayer';

const featureModules = [ImagesModule, QuotasModule, ZonesModule, InstancesModule];

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
        ObservabilityModule.forRoot(config),
        TerminusModule.forRoot({ logger: false }),
        RedisModule,
        AuthModule,
        ZenlayerModule,
        ...featureModules,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: featureModules,
          useClass: GraphqlOptionsFactory,
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_PIPE, useFactory: gatewayValidationPipe }, { provide: APP_FILTER, useClass: ProblemFilter }, GatewayLogger, Lifecycle, DependencyHealth],
    };
  }
}
