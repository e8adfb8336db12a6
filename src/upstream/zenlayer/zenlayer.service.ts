import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import {
  RequestOf,
  ResponseOf,
  WRITE_INVALIDATES,
  ZENLAYER_ACTIONS,
  ZenlayerActionName,
  ZenlayerReadAction,
  ZenlayerWriteAction,
} from './actions';
import { currentRequest } from '../../common/request-context';
import { secretScrubber } from '../../common/secrets';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { fromZenlayerError } from './error-mapping';
import { ReadCache } from './read-cache';
import { CallOptions, ZenlayerClient, ZenlayerResult } from './zenlayer.client';
import { ZenlayerError } from './zenlayer.error';

const isRead = (action: ZenlayerActionName): action is ZenlayerReadAction => ZENLAYER_ACTIONS[action].kind === 'read';

/**
 * What features call to reach Zenlayer: reads go through the cache and share calls in flight;
 * writes go straight through and then drop the cached reads they change. Every upstream call
 * is logged, and every failure becomes the client-facing {@link GatewayError}.
 */
@Injectable()
export class ZenlayerService {
  private readonly scrub: (text: string) => string;

  constructor(
    private readonly client: ZenlayerClient,
    private readonly cache: ReadCache,
    @InjectPinoLogger('zenlayer') private readonly logger: PinoLogger,
    @InjectPinoLogger('audit') private readonly audit: PinoLogger,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.scrub = secretScrubber(config.secrets);
  }

  async call<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    options?: CallOptions,
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    if (isRead(action)) {
      // A shared call must not be abandoned because one of its callers went away.
      return this.cache.read(action, request, () => this.send(action, request));
    }
    const result = await this.send(action, request, options);
    await this.cache.invalidate(WRITE_INVALIDATES[action as ZenlayerWriteAction]);
    return result;
  }

  /** One audit line per upstream write: who, through which operation, what Zenlayer call, and how it ended. */
  private auditWrite(action: ZenlayerActionName, outcome: string, upstreamRequestId: string | undefined): void {
    if (isRead(action)) return;
    const context = currentRequest();
    this.audit.info(
      { audit: true, client: context?.client ?? 'unknown', operation: context?.operation ?? 'unknown', action, outcome, upstreamRequestId },
      'audit',
    );
  }

  private async send<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    options?: CallOptions,
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    const started = performance.now();
    try {
      const result = await this.client.call(action, request, options);
      this.logger.info({ action, outcome: 'OK', durationMs: elapsed(started), upstreamRequestId: result.requestId }, 'upstream call');
      this.auditWrite(action, 'OK', result.requestId);
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
          upstreamMessage: this.scrub(error.message),
        },
        'upstream call failed',
      );
      this.auditWrite(action, error.code, error.requestId);
      throw fromZenlayerError(error, this.scrub);
    }
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
