import type { RedisClientType } from '@keyv/redis';
import { Inject, Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayError } from '../common/errors';
import { REDIS_CLIENT } from '../common/redis';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { perMinuteLimiter, retryAfterSeconds } from './per-minute-limiter';

/**
 * Failed authentications per minute per source address (AUTH_FAILURES_PER_MINUTE), counted
 * across replicas in Redis when it is configured. Only failures are counted and only failures
 * are refused: a valid key sent from a throttled address still gets in, so nobody sharing an
 * address with a key-guesser (a NAT, a proxy) is locked out by them.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly limiter?: RateLimiterAbstract;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, @Inject(REDIS_CLIENT) redis: RedisClientType | null) {
    this.limiter = perMinuteLimiter(config.authFailuresPerMinute, 'auth-failures', redis);
  }

  /**
   * Runs `authenticate`. When it refuses with UNAUTHENTICATED, counts one failure for `address`;
   * past the limit the refusal becomes RATE_LIMITED with the seconds to wait.
   */
  async guard<T>(address: string, authenticate: () => Promise<T>): Promise<T> {
    try {
      return await authenticate();
    } catch (error) {
      if (this.limiter && error instanceof GatewayError && error.code === 'UNAUTHENTICATED') await this.countFailure(address);
      throw error;
    }
  }

  private async countFailure(address: string): Promise<void> {
    try {
      await this.limiter!.consume(addressKey(address));
    } catch (rejection) {
      // The store failing (with no insurance left) must not turn a plain 401 into a 500.
      if (!(rejection instanceof RateLimiterRes)) return;
      const seconds = retryAfterSeconds(rejection);
      throw new GatewayError('RATE_LIMITED', `Too many failed authentications from this address: retry after ${seconds} s`, { retryAfterSeconds: seconds });
    }
  }
}

/**
 * What failures are counted by: the IPv4 address, or the /64 network of an IPv6 address (one
 * host usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
