import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { GatewayLogger } from './common/gateway-logger';
import { requestContextMiddleware } from './common/request-context';
import type { GatewayConfig } from './config';
import { ZenlayerSimulator } from './simulator';

/** A running gateway, and the embedded simulator when it runs in simulator mode. */
export interface RunningGateway {
  app: INestApplication;
  /** Where the gateway listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The Zenlayer the gateway talks to. */
  upstreamUrl: string;
  simulator?: ZenlayerSimulator;
  close(): Promise<void>;
}

/**
 * Starts the gateway. In simulator mode (no Zenlayer credentials, outside production) it first
 * starts the embedded simulator on a loopback port and points the upstream client at it: the
 * same client code path as against Zenlayer, only another base URL and key pair.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  let simulator: ZenlayerSimulator | undefined;
  if (config.zenlayer.mode === 'simulator') {
    simulator = new ZenlayerSimulator({ ...config.simulator.credentials, imageReadyDelayMs: config.simulator.imageReadyDelayMs });
    const baseUrl = await simulator.listen(0, '127.0.0.1');
    config = { ...config, zenlayer: { ...config.zenlayer, baseUrl, credentials: config.simulator.credentials } };
  }

  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(GatewayLogger));
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.use(requestContextMiddleware);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);

  const address = app.getHttpServer().address() as { port: number };
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    app,
    url: `http://${shownHost}:${address.port}`,
    upstreamUrl: config.zenlayer.baseUrl,
    simulator,
    async close() {
      await app.close();
      await simulator?.close();
    },
  };
}
