import { Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { staticCredentials } from './credentials';
import { ZenlayerClient } from './zenlayer.client';
import { ZenlayerService } from './zenlayer.service';

/** Provides {@link ZenlayerService}, the one way features reach Zenlayer. */
@Global()
@Module({
  providers: [
    {
      provide: ZenlayerClient,
      inject: [GATEWAY_CONFIG],
      useFactory: ({ zenlayer }: GatewayConfig) => {
        if (!zenlayer.credentials) throw new Error('Zenlayer credentials are not configured');
        return new ZenlayerClient({
          baseUrl: zenlayer.baseUrl,
          timeoutMs: zenlayer.timeoutMs,
          credentials: staticCredentials(zenlayer.credentials),
        });
      },
    },
    ZenlayerService,
  ],
  exports: [ZenlayerService],
})
export class ZenlayerModule {}
