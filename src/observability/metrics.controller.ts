import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Public } from '../auth/scopes';
import { GatewayError } from '../common/errors';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Metrics } from './metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Prometheus metrics; behind `Authorization: Bearer <METRICS_TOKEN>` when that is set. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  private readonly token?: Buffer;

  constructor(
    private readonly metrics: Metrics,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.token = config.metricsToken ? digest(config.metricsToken) : undefined;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.token) {
      const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), this.token)) throw new GatewayError('UNAUTHENTICATED', 'The metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    return this.metrics.registry.metrics();
  }
}
