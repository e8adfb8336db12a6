import { Inject, Injectable } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayError } from '../../common/errors';
import { currentRequest } from '../../common/request-context';
import { outsideTextCleaner } from '../../common/secrets';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { Metrics } from '../../observability/metrics';
import {
  RequestOf,
  ResponseOf,
  WRITE_INVALIDATES,
  ZENLAYER_ACTIONS,
  ZenlayerActionName,
  ZenlayerReadAction,
  ZenlayerWriteAction,
} from './actions';
import { fromPolicyError, fromZenlayerError, metricOutcome, safeUpstreamRequestId, sanitizedZenlayerError } from './error-mapping';
import { ReadCache } from './read-cache';
import { INTERNAL_CLIENT, UpstreamPolicies } from './resilience';
import { ZenlayerClient, ZenlayerResult } from './zenlayer.client';
import { ZenlayerError } from './zenlayer.error';

const tracer = trace.getTracer('zenlayer-image-gateway');

const isRead = (action: ZenlayerActionName): action is ZenlayerReadAction => ZENLAYER_ACTIONS[action].kind === 'read';

export interface ServiceCallOptions {
  /** Ends the call (retries included); defaults to the current client request's deadline. */
  signal?: AbortSignal;
  /** For a read: ask Zenlayer now, past the cache and any call in flight. */
  fresh?: boolean;
  /**
   * The request's fields whose values the client gave. Zenlayer refusing one of them is the
   * client's to fix (BAD_USER_INPUT); refusing any other field is the gateway's own mistake.
   */
  clientFields?: readonly string[];
}

/**
 * What features call to reach Zenlayer. Reads go through the cache and share calls in flight;
 * writes go straight through and then drop the cached reads they change. Every call runs
 * under the upstream policies (retries by kind, circuit breaker, concurrency and rate limits)
 * and within the client request's deadline; each attempt is logged, each write audited, and
 * every failure becomes the client-facing {@link GatewayError}.
 */
@Injectable()
export class ZenlayerService {
  /** Upstream text on its way to a client or a log line: secrets scrubbed, markup out, bounded. */
  private readonly clean: (text: string) => string;
  private readonly deadlineMs: number;
  private readonly tracing: boolean;

  constructor(
    private readonly client: ZenlayerClient,
    private readonly cache: ReadCache,
    private readonly policies: UpstreamPolicies,
    @InjectPinoLogger('zenlayer') private readonly logger: PinoLogger,
    @InjectPinoLogger('audit') private readonly audit: PinoLogger,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly metrics: Metrics,
  ) {
    this.clean = outsideTextCleaner(config.secrets);
    this.deadlineMs = config.requestDeadlineMs;
    this.tracing = config.otlpEndpoint !== undefined;
  }

  async call<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    options: ServiceCallOptions = {},
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    const signal = options.signal ?? currentRequest()?.deadline ?? timeoutSignal(this.deadlineMs);
    const clientFields = options.clientFields ?? [];
    if (isRead(action) && options.fresh) return this.send(action, request, signal, clientFields);
    if (isRead(action)) {
      // A shared call runs within the deadline of the request that started it; every caller
      // still gives up at its own deadline.
      return this.withinDeadline(action, this.cache.read(action, request, () => this.send(action, request, signal, clientFields)), signal);
    }
    const invalidate = () => this.cache.invalidate(WRITE_INVALIDATES[action as ZenlayerWriteAction]);
    try {
      const result = await this.send(action, request, signal, clientFields);
      await invalidate();
      return result;
    } catch (error) {
      // A write that may have happened may have changed what the cache holds, too.
      if (error instanceof GatewayError && error.details.outcomeUnknown) await invalidate();
      throw error;
    }
  }

  private async send<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    signal: AbortSignal,
    clientFields: readonly string[],
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    let attempt = 0;
    try {
      const result = await this.policies.run(
        ZENLAYER_ACTIONS[action].kind,
        (attemptSignal) => this.attempt(action, request, attemptSignal, ++attempt),
        signal,
        // Each client's calls wait behind its own; the status poller counts as one internal client.
        currentRequest()?.client ?? INTERNAL_CLIENT,
      );
      this.auditWrite(action, 'OK', result.requestId);
      return result;
    } catch (error) {
      const refused = fromPolicyError(error, action, this.deadlineMs, signal.aborted);
      if (refused) {
        if (refused.code === 'RATE_LIMITED') this.metrics.rateLimited('upstream');
        // Past the deadline with an attempt under way, a write may have reached Zenlayer.
        if (!isRead(action) && signal.aborted && attempt > 0) refused.details.outcomeUnknown = true;
        this.logger.warn({ action, attempts: attempt, outcome: refused.details.upstream?.code }, 'upstream call not completed');
        this.auditWrite(action, refused.details.upstream?.code ?? refused.code, undefined);
        throw refused;
      }
      if (!(error instanceof ZenlayerError)) throw error;
      this.auditWrite(action, error.code, error.requestId);
      const mapped = fromZenlayerError(error, clientFields);
      if (!isRead(action) && mayHaveActed(error)) mapped.details.outcomeUnknown = true;
      throw mapped;
    }
  }

  /** One attempt: one signed HTTP call, one log line. */
  private async attempt<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    signal: AbortSignal,
    attempt: number,
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    // Spans only when tracing was started (OTEL_EXPORTER_OTLP_ENDPOINT): even a no-op span costs.
    if (!this.tracing) return this.attemptOnce(action, request, signal, attempt);
    return tracer.startActiveSpan(`zenlayer ${action}`, { kind: SpanKind.CLIENT, attributes: { 'zenlayer.action': action, 'zenlayer.attempt': attempt } }, async (span) => {
      try {
        const result = await this.attemptOnce(action, request, signal, attempt);
        span.setAttributes({ 'zenlayer.outcome': 'OK', 'zenlayer.request_id': result.requestId });
        return result;
      } catch (error) {
        const code = error instanceof ZenlayerError ? error.code : 'ERROR';
        span.setAttributes({ 'zenlayer.outcome': code, ...(error instanceof ZenlayerError && error.requestId && { 'zenlayer.request_id': error.requestId }) });
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async attemptOnce<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    signal: AbortSignal,
    attempt: number,
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    const started = performance.now();
    try {
      const result = await this.client.call(action, request, { signal });
      const requestId = safeUpstreamRequestId(result.requestId);
      this.metrics.upstreamCall(action, 'OK', (performance.now() - started) / 1000);
      // A success is listed on the request's own line (one write instead of one per call); a
      // retry that succeeds, or a call outside any request, gets its own line too.
      const record = { action, attempt, durationMs: elapsed(started), upstreamRequestId: requestId };
      const context = currentRequest();
      if (context) (context.upstream ??= []).push(record);
      const level = attempt > 1 || !context ? 'info' : 'debug';
      if (this.logger.logger.isLevelEnabled(level)) this.logger[level]({ ...record, outcome: 'OK' }, 'upstream call');
      return requestId === result.requestId ? result : { ...result, requestId };
    } catch (caught) {
      // From here on (span, metric, log, retries, audit, the client's error) only the sanitized
      // error is seen: what Zenlayer, or a proxy in its place, sent may hold anything.
      const error = caught instanceof ZenlayerError ? sanitizedZenlayerError(caught, this.clean) : caught;
      if (error instanceof ZenlayerError) {
        this.metrics.upstreamCall(action, metricOutcome(error), (performance.now() - started) / 1000);
        this.logger.warn(
          {
            action,
            attempt,
            outcome: error.code,
            kind: error.kind,
            httpStatus: error.httpStatus,
            durationMs: elapsed(started),
            upstreamRequestId: error.requestId,
            upstreamMessage: error.message,
          },
          'upstream call failed',
        );
      }
      throw error;
    }
  }

  private withinDeadline<T>(action: ZenlayerActionName, work: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(fromPolicyError(undefined, action, this.deadlineMs, true));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(fromPolicyError(undefined, action, this.deadlineMs, true));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
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
}

/** After this failure of a write, Zenlayer may or may not have carried it out. */
function mayHaveActed(error: ZenlayerError): boolean {
  if (!error.sent || error.throttled) return false;
  return error.kind === 'timeout' || error.kind === 'network' || error.kind === 'bad-response' || (error.httpStatus ?? 0) >= 500;
}

/** For calls outside a client request (the status poller): a deadline whose timer does not hold the process. */
function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms).unref();
  return controller.signal;
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
