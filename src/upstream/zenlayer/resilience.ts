import type { RedisClientType } from '@keyv/redis';
import {
  bulkhead,
  BulkheadPolicy,
  BulkheadRejectedError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  retry,
  RetryPolicy,
  TaskCancelledError,
} from 'cockatiel';
import { RateLimiterMemory, RateLimiterQueue, RateLimiterRedis } from 'rate-limiter-flexible';
import type { CircuitStateName } from '../../observability/metrics';
import type { ActionKind } from './actions';
import { ZenlayerError } from './zenlayer.error';

export interface ResilienceOptions {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** First retry delay; later ones double, up to 16 times it, each drawn with full jitter. */
  retryBaseMs: number;
  failureThreshold: number;
  halfOpenAfterMs: number;
  /** Calls in flight at once, and calls allowed to wait for a slot. */
  concurrency: number;
  queueSize: number;
  /** Calls one client may have in flight at once, within `concurrency`; as many again as `queueSize` may wait. */
  concurrencyPerClient: number;
  /** Calls per second (token bucket), counted across replicas when `redis` is given. */
  ratePerSecond: number;
  redis?: RedisClientType;
  onRetry?: (kind: ActionKind, attempt: number) => void;
  onCircuitChange?: (state: CircuitStateName) => void;
}


const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Zenlayer could not serve at all: what opens the circuit and what a read may retry. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ZenlayerError)) return false;
  return error.kind === 'timeout' || error.kind === 'network' || (error.httpStatus ?? 0) >= 500;
}

/**
 * Whether an attempt may be repeated. Reads: on unavailability and throttling. Writes: only when
 * Zenlayer certainly did not act, i.e. it throttled the call or the connection was never made;
 * after a timeout, a reset or a 5xx the write may have happened, and repeating it could make a
 * second image.
 */
export function isRetryable(kind: ActionKind, error: unknown): boolean {
  if (!(error instanceof ZenlayerError)) return false;
  if (error.throttled) return true;
  if (kind === 'write') return error.kind === 'network' && !error.sent;
  return isUnavailable(error);
}

/** Who upstream calls made outside any client request (the image status poller) count as. */
export const INTERNAL_CLIENT = 'internal';

/**
 * At most `perClient` calls in flight for each client, the rest of its calls waiting in its own
 * first-come-first-served queue; at most `queueSize` calls wait across all clients, then
 * {@link BulkheadRejectedError}, so the gateway-wide bound on waiting calls holds however many
 * clients there are. In front of the gateway-wide limit, so that one client's burst waits
 * behind its own calls and the shared slots stay open to everyone else.
 */
export class ClientSlots {
  private readonly clients = new Map<string, { active: number; waiting: Array<{ start: () => void }> }>();
  private waitingTotal = 0;

  constructor(
    private readonly perClient: number,
    private readonly queueSize: number,
  ) {}

  /** Clients with calls in flight or waiting. */
  get size(): number {
    return this.clients.size;
  }

  async run<T>(client: string, work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw new TaskCancelledError();
    let state = this.clients.get(client);
    if (!state) this.clients.set(client, (state = { active: 0, waiting: [] }));
    if (state.active < this.perClient) {
      state.active += 1;
    } else {
      if (this.waitingTotal >= this.queueSize) throw new BulkheadRejectedError(this.perClient, this.queueSize);
      const queue = state.waiting;
      this.waitingTotal += 1;
      // A finished call hands its slot straight to the next waiting call (release below).
      await new Promise<void>((resolve, reject) => {
        const entry = {
          start: () => {
            this.waitingTotal -= 1;
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          this.waitingTotal -= 1;
          queue.splice(queue.indexOf(entry), 1);
          reject(new TaskCancelledError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
      });
    }
    try {
      return await work();
    } finally {
      const next = state.waiting.shift();
      if (next) next.start();
      else if (--state.active === 0) this.clients.delete(client);
    }
  }
}

/**
 * The policies every upstream call goes through, for the whole gateway: retry (by kind of call)
 * → circuit breaker → per-client concurrency limit → gateway-wide concurrency limit with a
 * bounded queue → token bucket.
 */
export class UpstreamPolicies {
  readonly circuit: CircuitBreakerPolicy;
  private readonly retries: Record<ActionKind, RetryPolicy>;
  private readonly clientSlots: ClientSlots;
  private readonly slots: BulkheadPolicy;
  private readonly tokens: RateLimiterQueue;

  constructor(options: ResilienceOptions) {
    const backoff = new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: options.retryBaseMs,
      maxDelay: options.retryBaseMs * 16,
    });
    const retryFor = (kind: ActionKind) => {
      const policy = retry(handleWhen((error) => isRetryable(kind, error)), { maxAttempts: options.maxAttempts - 1, backoff });
      policy.onRetry((event) => options.onRetry?.(kind, event.attempt));
      return policy;
    };
    this.retries = { read: retryFor('read'), write: retryFor('write') };
    this.circuit = circuitBreaker(handleWhen(isUnavailable), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    });
    this.circuit.onStateChange((state) => options.onCircuitChange?.(STATE_NAMES[state]));
    this.clientSlots = new ClientSlots(options.concurrencyPerClient, options.queueSize);
    this.slots = bulkhead(options.concurrency, options.queueSize);
    const bucket = options.redis
      ? new RateLimiterRedis({
          storeClient: options.redis,
          useRedisPackage: true,
          keyPrefix: 'zlgw:upstream',
          points: options.ratePerSecond,
          duration: 1,
          insuranceLimiter: new RateLimiterMemory({ points: options.ratePerSecond, duration: 1 }),
        })
      : new RateLimiterMemory({ points: options.ratePerSecond, duration: 1 });
    this.tokens = new RateLimiterQueue(bucket, { maxQueueSize: Math.max(1, options.queueSize) });
  }

  get circuitState(): CircuitStateName {
    return STATE_NAMES[this.circuit.state];
  }

  /**
   * Runs one upstream call under every policy, counted against `client`'s own concurrency.
   * `attempt` is called once per attempt with a signal that aborts when `signal` (the client
   * request's deadline) does.
   */
  run<T>(kind: ActionKind, attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, client: string = INTERNAL_CLIENT): Promise<T> {
    return this.retries[kind].execute(
      (outer) =>
        this.circuit.execute(
          (inner) =>
            this.clientSlots.run(
              client,
              () =>
                this.slots.execute(async (slot) => {
                  await this.tokens.removeTokens(1);
                  return attempt(slot.signal);
                }, inner.signal),
              inner.signal,
            ),
          outer.signal,
        ),
      signal,
    );
  }
}
