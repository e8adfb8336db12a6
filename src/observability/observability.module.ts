import { DynamicModule, Global, Module } from '@nestjs/common';
import type { GatewayConfig } from '../config';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

/** Prometheus metrics for the whole gateway: at /metrics on the API port, or on METRICS_PORT alone. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: Pick<GatewayConfig, 'metricsOnApiPort'>): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [Metrics],
      controllers: config.metricsOnApiPort === 'off' ? [] : [MetricsController],
      exports: [Metrics],
    };
  }
}
