import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { RedisClientType } from '@keyv/redis';
import { PinoLogger } from 'nestjs-pino';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { connectWithin, createRedisConnection, REDIS_CLIENT } from './redis';

/** Provides the shared Redis connection ({@link REDIS_CLIENT}), or `null` without `REDIS_URL`. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [GATEWAY_CONFIG, PinoLogger],
      useFactory: ({ redisUrl }: GatewayConfig, logger: PinoLogger) => {
        if (!redisUrl) return null;
        logger.setContext('redis');
        let lastError = '';
        return createRedisConnection(redisUrl, (error) => {
          // One line per kind of failure, not one per reconnection attempt.
          const message = error instanceof Error ? error.message : String(error);
          if (message !== lastError) logger.warn({ err: message }, 'Redis connection failed; serving without it until it returns');
          lastError = message;
        });
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClientType | null) {}

  /** Gives Redis a moment to connect, so the first requests already use it. */
  async onModuleInit(): Promise<void> {
    if (this.redis) await connectWithin(this.redis, 2000, () => undefined);
  }

  onApplicationShutdown(): void {
    this.redis?.destroy();
  }
}
