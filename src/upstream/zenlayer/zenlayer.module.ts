import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
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
      inject: [GATEWAY_CONFIG, PinoLogger],
      useFactory: ({ cacheTtlSeconds: ttl, redisUrl }: GatewayConfig, logger: PinoLogger) => {
        logger.setContext('cache');
        return new ReadCache({
          ttlMs: {
            DescribeZones: ttl.zones * 1000,
            DescribeImageQuota: ttl.quotas * 1000,
            DescribeImages: ttl.images * 1000,
            DescribeImage: ttl.images * 1000,
          },
          redisUrl,
          onStoreError: (error) => logger.warn({ err: error }, 'cache store failed; reading from Zenlayer instead'),
        });
      },
    },
    ZenlayerService,
  ],
  exports: [ZenlayerService],
})
export class ZenlayerModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(ReadCache) private readonly cache: ReadCache) {}

  /** Gives a configured Redis a moment to connect, so the first requests already use it. */
  async onModuleInit(): Promise<void> {
    await this.cache.ready();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}
