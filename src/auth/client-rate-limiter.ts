import type { RedisClientType } from '@keyv/redis';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayError } from '../common/errors';
import { REDIS_CLIENT } from '../common/redis';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Metrics } from '../observability/metrics';
import { perMinuteLimiter, retryAfterSeconds } from './per-minute-limiter';

/**
 * Requests per minute per client (its identity's namespaced id, `key:<name>` or
 * `jwt:<issuer>#<sub>`, or the IP address of anonymous callers), counted across replicas in
 * Redis when it is configured. While Redis is unreachable each replica counts on its own rather
 * than letting everything through.
 */
@Injectable()
export class ClientRateLimiter {
  private readonly limiter?: RateLimiterAbstract;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(REDIS_CLIENT) redis: RedisClientType | null,
    private readonly metrics: Metrics,
  ) {
    this.limiter = perMinuteLimiter(config.rateLimitPerMinute, 'rate', redis);
  }

  /** @throws GatewayError RATE_LIMITED, with the seconds to wait, when the client is over its limit. */
  async consume(clientKey: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(clientKey);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.metrics.rateLimited('client');
      const seconds = retryAfterSeconds(rejection);
      throw new GatewayError('RATE_LIMITED', `Too many requests from this client: retry after ${seconds} s`, { retryAfterSeconds: seconds });
    }
  }
}
