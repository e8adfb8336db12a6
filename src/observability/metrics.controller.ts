import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { GatewayError } from '../common/errors';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Metrics } from './metrics';
import { METRICS_CONTENT_TYPE, METRICS_REFUSAL, metricsAccess } from './metrics-access';

/**
 * Prometheus metrics on the API port, behind `Authorization: Bearer <METRICS_TOKEN>` when that
 * is set; in production without a token, refused. Not mounted when METRICS_PORT serves them on
 * a listener of their own.
 */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  private readonly allowed: (authorization: string | undefined) => boolean;
  private readonly closed: boolean;

  constructor(
    private readonly metrics: Metrics,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.allowed = metricsAccess(config.metricsToken);
    this.closed = config.metricsOnApiPort === 'needs-token';
  }

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  async metricsText(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.closed) {
      throw new GatewayError('FORBIDDEN', 'In production /metrics is not open on the API port: set METRICS_TOKEN (a random string of 32+ characters) to serve it there behind a bearer token, or METRICS_PORT to serve it on a port of its own');
    }
    if (!this.allowed(authorization)) throw new GatewayError('UNAUTHENTICATED', METRICS_REFUSAL);
    return this.metrics.registry.metrics();
  }
}
