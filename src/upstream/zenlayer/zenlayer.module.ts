import type { RedisClientType } from '@keyv/redis';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { REDIS_CLIENT } from '../../common/redis';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { staticCredentials } from './credentials';
import { ReadCache } from './read-cache';
import { ZenlayerClient } from './zenlayer.client';
import { ZenlayerService } from './zenlayer.service';

/** Provides {@link ZenlayerService}, the one way features reach Zenlayer. */
@Global()
@Module({
  providers: [
    {
      provide: ZenlayerClient,
      inject: [GATEWAY_CONFIG],
      useFactory: ({ zenlayer }: GatewayConfig) => {
        if (!zenlayer.credentials) throw new Error('Zenlayer credentials are not configured');
        return new ZenlayerClient({
          baseUrl: zenlayer.baseUrl,
          timeoutMs: zenlayer.timeoutMs,
          credentials: staticCredentials(zenlayer.credentials),
        });
      },
    },
    {
      provide: ReadCache,
      inject: [GATEWAY_CONFIG, REDIS_CLIENT, PinoLogger],
      useFactory: ({ cacheTtlSeconds: ttl }: GatewayConfig, redis: RedisClientType | null, logger: PinoLogger) => {
        logger.setContext('cache');
        return new ReadCache({
          ttlMs: {
            DescribeZones: ttl.zones * 1000,
            DescribeImageQuota: ttl.quotas * 1000,
            DescribeImages: ttl.images * 1000,
            DescribeImage: ttl.images * 1000,
          },
          redis: redis ?? undefined,
          onStoreError: (error) => logger.warn({ err: error }, 'cache store failed; reading from Zenlayer instead'),
        });
      },
    },
    ZenlayerService,
  ],
  exports: [ZenlayerService],
})
export class ZenlayerModule implements OnApplicationShutdown {
  constructor(@Inject(ReadCache) private readonly cache: ReadCache) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
