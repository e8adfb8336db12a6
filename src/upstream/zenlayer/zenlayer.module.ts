import type { RedisClientType } from '@keyv/redis';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { REDIS_CLIENT } from '../../common/redis';
import { Metrics } from '../../observability/metrics';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { FileCredentials, staticCredentials } from './credentials';
import { ReadCache } from './read-cache';
import { UpstreamPolicies } from './resilience';
import { ZenlayerClient } from './zenlayer.client';
import { ZenlayerService } from './zenlayer.service';

/** Provides {@link ZenlayerService}, the one way features reach Zenlayer. */
@Global()
@Module({
  providers: [
    {
      provide: FileCredentials,
      inject: [GATEWAY_CONFIG],
      // Only with ZENLAYER_CREDENTIALS_FILE: what SIGHUP re-reads.
      useFactory: ({ zenlayer }: GatewayConfig) =>
        zenlayer.credentialsFile ? new FileCredentials(zenlayer.credentialsFile, zenlayer.credentials) : null,
    },
    {
      provide: ZenlayerClient,
      inject: [GATEWAY_CONFIG, FileCredentials],
      useFactory: ({ zenlayer }: GatewayConfig, file: FileCredentials | null) => {
        if (!zenlayer.credentials) throw new Error('Zenlayer credentials are not configured');
        return new ZenlayerClient({
          baseUrl: zenlayer.baseUrl,
          timeoutMs: zenlayer.timeoutMs,
          credentials: file?.provider ?? staticCredentials(zenlayer.credentials),
          // Every call that may be in flight has a connection to go on.
          maxSockets: Math.max(16, zenlayer.concurrency),
        });
      },
    },
    {
      provide: ReadCache,
      inject: [GATEWAY_CONFIG, REDIS_CLIENT, PinoLogger, Metrics],
      useFactory: ({ cacheTtlSeconds: ttl }: GatewayConfig, redis: RedisClientType | null, logger: PinoLogger, metrics: Metrics) => {
        logger.setContext('cache');
        return new ReadCache({
          ttlMs: {
            DescribeZones: ttl.zones * 1000,
            DescribeImageQuota: ttl.quotas * 1000,
            DescribeImages: ttl.images * 1000,
            DescribeImage: ttl.images * 1000,
            // Read for the create-image screen, beside the images: as fresh as they are.
            DescribeInstances: ttl.images * 1000,
          },
          redis: redis ?? undefined,
          onRead: (action, outcome) => metrics.cacheRead(action, outcome),
          onStoreError: (error) => logger.warn({ err: error }, 'cache store failed; reading from Zenlayer instead'),
        });
      },
    },
    {
      provide: UpstreamPolicies,
      inject: [GATEWAY_CONFIG, REDIS_CLIENT, PinoLogger, Metrics],
      useFactory: ({ zenlayer, upstreamConcurrencyPerClient }: GatewayConfig, redis: RedisClientType | null, logger: PinoLogger, metrics: Metrics) => {
        logger.setContext('zenlayer');
        return new UpstreamPolicies({
          maxAttempts: zenlayer.maxAttempts,
          retryBaseMs: zenlayer.retryBaseMs,
          failureThreshold: zenlayer.circuitFailureThreshold,
          halfOpenAfterMs: zenlayer.circuitHalfOpenAfterMs,
          concurrency: zenlayer.concurrency,
          queueSize: zenlayer.queueSize,
          concurrencyPerClient: upstreamConcurrencyPerClient,
          ratePerSecond: zenlayer.ratePerSecond,
          redis: redis ?? undefined,
          onRetry: (kind) => metrics.retry(kind),
          onCircuitChange: (state) => {
            metrics.circuit(state);
            logger.warn({ circuit: state }, `upstream circuit ${state}`);
          },
        });
      },
    },
    ZenlayerService,
  ],
  exports: [ZenlayerService, UpstreamPolicies, FileCredentials],
})
export class ZenlayerModule implements OnApplicationShutdown {
  constructor(@Inject(ReadCache) private readonly cache: ReadCache) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
