import type { RedisClientType } from '@keyv/redis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A count per key over one minute, in Redis when configured (shared by replicas) with this
 * process's memory as insurance while Redis is unreachable; undefined when `points` is 0 (off).
 */
export function perMinuteLimiter(points: number, prefix: string, redis: RedisClientType | null): RateLimiterAbstract | undefined {
  if (points <= 0) return undefined;
  const memory = new RateLimiterMemory({ points, duration: 60, keyPrefix: prefix });
  return redis
    ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, points, duration: 60, keyPrefix: `zlgw:${prefix}`, insuranceLimiter: memory })
    : memory;
}

/** The whole seconds to wait before a refused key may try again (at least 1), for `Retry-After`. */
export const retryAfterSeconds = (rejection: RateLimiterRes): number => Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
