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
  private readonly points: number;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(REDIS_CLIENT) redis: RedisClientType | null,
    private readonly metrics: Metrics,
  ) {
    this.points = config.rateLimitPerMinute;
    this.limiter = perMinuteLimiter(config.rateLimitPerMinute, 'rate', redis);
  }

  /**
   * Counts one request of `clientKey`, and tells `onState` where the client stands afterwards
   * (admitted or not), as the shared counter says (Redis, across replicas).
   * @throws GatewayError RATE_LIMITED, with the seconds to wait, when the client is over its limit.
   */
  async consume(clientKey: string, onState?: (state: RateLimitState) => void): Promise<void> {
    if (!this.limiter) return;
    try {
      const admitted = await this.limiter.consume(clientKey);
      onState?.(this.stateOf(admitted));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      onState?.(this.stateOf(rejection));
      this.metrics.rateLimited('client');
      const seconds = retryAfterSeconds(rejection);
      throw new GatewayError('RATE_LIMITED', `Too many requests from this client: retry after ${seconds} s`, { retryAfterSeconds: seconds });
    }
  }

  private stateOf(result: RateLimiterRes): RateLimitState {
    return { limit: this.points, remaining: Math.max(0, result.remainingPoints), resetSeconds: Math.max(0, Math.ceil(result.msBeforeNext / 1000)) };
  }
}

/** A client's standing in its per-minute window, for the `RateLimit` answer fields. */
export interface RateLimitState {
  /** Requests per window (RATE_LIMIT_PER_MINUTE). */
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** The window of RATE_LIMIT_PER_MINUTE, in seconds. */
const WINDOW_SECONDS = 60;

/**
 * The IETF httpapi rate-limit fields (draft-ietf-httpapi-ratelimit-headers, structured fields):
 * `RateLimit-Policy: "per-client";q=600;w=60` and `RateLimit: "per-client";r=599;t=42`.
 */
export function rateLimitHeaders(state: RateLimitState): Record<'ratelimit-policy' | 'ratelimit', string> {
  return {
    'ratelimit-policy': `"per-client";q=${state.limit};w=${WINDOW_SECONDS}`,
    ratelimit: `"per-client";r=${state.remaining};t=${state.resetSeconds}`,
  };
}
