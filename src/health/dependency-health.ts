import type { RedisClientType } from '@keyv/redis';
import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT } from '../common/redis';
import { Metrics } from '../observability/metrics';
import { UpstreamPolicies } from '../upstream/zenlayer';

/** How each dependency is doing, as `/healthz` reports it. */
export interface DependencyReport {
  /** `degraded` while the circuit towards Zenlayer is open: calls fail fast until it half-opens on the next call. */
  upstream: { status: 'up' | 'degraded'; circuit: string };
  /** Only with REDIS_URL. `down`: the gateway serves from its own memory (cache, limits) until Redis is back. */
  redis?: { status: 'up' | 'down' };
}

/**
 * The state of Zenlayer and Redis, for `/healthz` and the `gateway_dependency_up` metric. They
 * are not part of readiness: an outage of either is shared by every replica, and taking them all
 * out of the Service would turn a degraded gateway into none (docs/operations.md).
 */
@Injectable()
export class DependencyHealth {
  constructor(
    private readonly policies: UpstreamPolicies,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClientType | null,
    metrics: Metrics,
  ) {
    metrics.dependency('upstream', () => this.report().upstream.status === 'up');
    if (redis) metrics.dependency('redis', () => redis.isReady);
  }

  report(): DependencyReport {
    const circuit = this.policies.circuitState;
    const upstream = { status: circuit === 'open' || circuit === 'isolated' ? ('degraded' as const) : ('up' as const), circuit };
    return this.redis ? { upstream, redis: { status: this.redis.isReady ? 'up' : 'down' } } : { upstream };
  }
}
