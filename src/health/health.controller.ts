import type { RedisClientType } from '@keyv/redis';
import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes';
import { problemResponse } from '../common/rest';
import { REDIS_CLIENT } from '../common/redis';
import { UpstreamPolicies } from '../upstream/zenlayer';
import { Lifecycle } from './lifecycle';

/** Liveness and readiness for orchestrators (@nestjs/terminus). */
@ApiTags('operations')
@problemResponse(405, 'The probes take GET and HEAD only; `Allow` says so')
@problemResponse(414, 'BAD_REQUEST: the URL is too long')
@problemResponse(431, 'BAD_REQUEST: the request headers are too large')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly policies: UpstreamPolicies,
    private readonly lifecycle: Lifecycle,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClientType | null,
  ) {}

  /** The process is alive and serving HTTP. */
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness', description: 'The process is alive and serving HTTP. No credentials needed.', security: [] })
  @ApiOkResponse({ description: 'Alive', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready for traffic: configuration loaded, the circuit towards Zenlayer not open, Redis
   * reachable when configured, and not draining for shutdown. 503 otherwise.
   */
  @Get('readyz')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Ready for traffic: configuration loaded, the circuit towards Zenlayer not open, Redis reachable when configured, and not draining for shutdown; 503 with the failing checks under `error` otherwise. No credentials needed.',
    security: [],
  })
  async readyz(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthCheckResult> {
    const checks = [
      // The configuration was validated before the app could start.
      () => this.indicator.check('configuration').up(),
      () => {
        const circuit = this.policies.circuitState;
        const session = this.indicator.check('upstream');
        return circuit === 'open' || circuit === 'isolated' ? session.down({ circuit }) : session.up({ circuit });
      },
      () => (this.lifecycle.shuttingDown ? this.indicator.check('lifecycle').down({ message: 'shutting down' }) : this.indicator.check('lifecycle').up()),
      ...(this.redis ? [() => (this.redis!.isReady ? this.indicator.check('redis').up() : this.indicator.check('redis').down({ message: 'not connected' }))] : []),
    ];
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
