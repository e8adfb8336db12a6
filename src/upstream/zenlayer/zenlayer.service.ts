import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { fromZenlayerError } from './error-mapping';
import type { RequestOf, ResponseOf, ZenlayerActionName } from './actions';
import { CallOptions, ZenlayerClient, ZenlayerResult } from './zenlayer.client';
import { ZenlayerError } from './zenlayer.error';

/**
 * What features call to reach Zenlayer: the signed client plus one log line per call and the
 * translation of failures into the client-facing {@link GatewayError}.
 */
@Injectable()
export class ZenlayerService {
  constructor(
    private readonly client: ZenlayerClient,
    @InjectPinoLogger('zenlayer') private readonly logger: PinoLogger,
  ) {}

  async call<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    options?: CallOptions,
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    const started = performance.now();
    try {
      const result = await this.client.call(action, request, options);
      this.logger.info({ action, outcome: 'OK', durationMs: elapsed(started), upstreamRequestId: result.requestId }, 'upstream call');
      return result;
    } catch (error) {
      if (!(error instanceof ZenlayerError)) throw error;
      this.logger.warn(
        {
          action,
          outcome: error.code,
          kind: error.kind,
          httpStatus: error.httpStatus,
          durationMs: elapsed(started),
          upstreamRequestId: error.requestId,
          upstreamMessage: error.message,
        },
        'upstream call failed',
      );
      throw fromZenlayerError(error);
    }
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
