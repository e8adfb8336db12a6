import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes';
import { problemResponse } from '../common/rest';
import { CIRCUIT_STATES } from '../observability/metrics';
import { DependencyHealth, DependencyReport } from './dependency-health';
import { Lifecycle } from './lifecycle';

/** What /healthz answers, for the OpenAPI document. */
const HEALTHZ_SCHEMA = {
  type: 'object',
  required: ['status', 'dependencies'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    dependencies: {
      type: 'object',
      required: ['upstream'],
      properties: {
        upstream: {
          type: 'object',
          required: ['status', 'circuit'],
          properties: { status: { type: 'string', enum: ['up', 'degraded'] }, circuit: { type: 'string', enum: [...CIRCUIT_STATES] } },
        },
        redis: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] } } },
      },
    },
  },
};

/** Liveness and readiness for orchestrators (@nestjs/terminus), with the dependencies' state. */
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
    private readonly dependencies: DependencyHealth,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** The process is alive and serving HTTP; how Zenlayer and Redis are doing, which never fails it. */
  @Get('healthz')
  @ApiOperation({
    summary: 'Liveness',
    description:
      'The process is alive and serving HTTP: always 200 while it is. `dependencies` says how Zenlayer (the circuit breaker) and Redis (when configured) are doing; their outages show here and in `gateway_dependency_up`, never as a failed probe. No credentials needed.',
    security: [],
  })
  @ApiOkResponse({ description: 'Alive', schema: HEALTHZ_SCHEMA })
  healthz(): { status: 'ok'; dependencies: DependencyReport } {
    return { status: 'ok', dependencies: this.dependencies.report() };
  }

  /**
   * Ready for traffic: 503 only while draining for shutdown. An upstream or Redis outage does
   * not take the pod out of the Service (see {@link DependencyHealth}).
   */
  @Get('readyz')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Ready for traffic: the configuration was loaded and the process is not draining for shutdown; 503 with `lifecycle` under `error` while it drains. An outage of Zenlayer or Redis does not make it fail (every replica shares it); see /healthz. No credentials needed.',
    security: [],
  })
  async readyz(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthCheckResult> {
    const checks = [
      // The configuration was validated before the app could start.
      () => this.indicator.check('configuration').up(),
      () => (this.lifecycle.shuttingDown ? this.indicator.check('lifecycle').down({ message: 'shutting down' }) : this.indicator.check('lifecycle').up()),
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
