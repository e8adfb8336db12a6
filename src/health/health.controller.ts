import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { RedisClientType } from '@keyv/redis';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { REDIS_CLIENT } from '../common/redis';
import { UpstreamPolicies } from '../upstream/zenlayer';
import { Lifecycle } from './lifecycle';

type Check = { status: 'up' | 'down'; detail?: string };

/** Liveness and readiness for orchestrators. */
@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly policies: UpstreamPolicies,
    private readonly lifecycle: Lifecycle,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClientType | null,
  ) {}

  /** The process is alive and serving HTTP. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready for traffic: configuration loaded, upstream circuit not open, Redis reachable when configured, not draining. */
  @Get('readyz')
  readyz(@Res({ passthrough: true }) res: Response): { status: 'ok' | 'unavailable'; checks: Record<string, Check> } {
    const circuit = this.policies.circuitState;
    const checks: Record<string, Check> = {
      configuration: { status: 'up' },
      upstream: { status: circuit === 'closed' || circuit === 'half-open' ? 'up' : 'down', detail: `circuit ${circuit}` },
      lifecycle: this.lifecycle.shuttingDown ? { status: 'down', detail: 'shutting down' } : { status: 'up' },
    };
    if (this.redis) checks.redis = this.redis.isReady ? { status: 'up' } : { status: 'down', detail: 'not connected' };
    const ready = Object.values(checks).every((check) => check.status === 'up');
    res.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable', checks };
  }
}
