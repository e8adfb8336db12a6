/**
 * Fault injection: a queue of failures to serve instead of (or around) the next calls of an
 * action, so tests can exercise timeouts, late writes, throttling, 5xx, resets and garbage bodies.
 */
import { ACTION_NAMES, isKnownAction } from './actions';

/** One injected failure. */
export type SimulatorFault =
  /** Wait `ms`, then answer normally. */
  | { kind: 'latency'; ms: number }
  /**
   * A slow Zenlayer that acts after the caller gave up: hold the call `ms` without answering,
   * and only THEN carry out the action (its rules checked against the state at that moment),
   * record it and answer, whether or not the client is still connected. Until the delay is
   * over nothing has changed; `close()` and `reset()` cancel the pending write (never applied).
   */
  | { kind: 'delayed-write'; ms: number }
  /** A Zenlayer-shaped failure (`{requestId, code, message}`); the action is NOT applied. */
  | { kind: 'error'; status: number; code: string; message?: string }
  /** Default: 200 with truncated JSON and `content-type: application/json`; the action is NOT applied. */
  | { kind: 'malformed'; status?: number; body?: string }
  /** Default: 502 with an HTML error page (`content-type: text/html`), as a proxy in front would send. */
  | { kind: 'html'; status?: number }
  /** Default: 200 with an empty body. */
  | { kind: 'empty'; status?: number }
  /** Destroy the socket without answering; with `afterApply` the action IS applied first (an ambiguous failure). */
  | { kind: 'reset'; afterApply?: boolean }
  /** 403 with `cf-mitigated: challenge` and an HTML body: an edge security challenge, not an API error. */
  | { kind: 'challenge' };

/** The fault kinds, for validation and documentation. */
export const FAULT_KINDS = ['latency', 'delayed-write', 'error', 'malformed', 'html', 'empty', 'reset', 'challenge'] as const;

/** Every action (`'*'`) rather than one. */
const ANY_ACTION = '*';

interface QueuedFault {
  readonly fault: SimulatorFault;
  remaining: number;
}

/**
 * Faults by action. A call takes the oldest fault queued for its own action, else the oldest
 * queued for `'*'`; each fault serves `times` calls, then is dropped.
 */
export class FaultQueue {
  private readonly queues = new Map<string, QueuedFault[]>();

  /** Queues `fault` for the next `times` calls of `action` (`'*'`: any action). `times` may be `Infinity`. */
  add(action: string, fault: SimulatorFault, times = 1): void {
    assertFaultTarget(action);
    const checked = parseFault(fault);
    if (!(Number.isInteger(times) || times === Infinity) || times < 1) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    const queue = this.queues.get(action) ?? [];
    queue.push({ fault: checked, remaining: times });
    this.queues.set(action, queue);
  }

  /** Takes the fault that applies to the next call of `action`, if any. */
  take(action: string): SimulatorFault | undefined {
    return this.takeFrom(action) ?? this.takeFrom(ANY_ACTION);
  }

  /** Drops every queued fault. */
  clear(): void {
    this.queues.clear();
  }

  /** How many calls are still to be faulted, per action key. */
  pending(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [action, queue] of this.queues) result[action] = queue.reduce((sum, item) => sum + item.remaining, 0);
    return result;
  }

  private takeFrom(key: string): SimulatorFault | undefined {
    const queue = this.queues.get(key);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    if (queue.length === 0) this.queues.delete(key);
    return head.fault;
  }
}

function assertFaultTarget(action: string): void {
  if (action !== ANY_ACTION && !isKnownAction(action)) {
    throw new TypeError(`Cannot inject a fault for unknown action "${action}"; use '*' or one of ${ACTION_NAMES.join(', ')}`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStatus = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;

function optionalStatus(fault: Record<string, unknown>): number | undefined {
  if (fault.status === undefined) return undefined;
  if (!isStatus(fault.status)) throw new TypeError('fault.status must be an HTTP status from 100 to 599');
  return fault.status;
}

// setTimeout fires at once for anything above 2^31 - 1 ms, which would turn a long hold into none.
const MAX_DELAY_MS = 2_147_483_647;

function delayMs(fault: Record<string, unknown>): number {
  const ms = fault.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_DELAY_MS) {
    throw new TypeError(`fault.ms must be a non-negative number of milliseconds, at most ${MAX_DELAY_MS}`);
  }
  return ms;
}

function optionalText(fault: Record<string, unknown>, name: string): string | undefined {
  const value = fault[name];
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`fault.${name} must be a string`);
  return value;
}

/**
 * Checks an untrusted fault description (the admin endpoint's JSON, or a caller's object) and
 * returns a clean copy. Throws a TypeError naming the bad field.
 */
export function parseFault(input: unknown): SimulatorFault {
  if (!isRecord(input)) throw new TypeError('fault must be an object with a kind');
  switch (input.kind) {
    case 'latency':
      return { kind: 'latency', ms: delayMs(input) };
    case 'delayed-write':
      return { kind: 'delayed-write', ms: delayMs(input) };
    case 'error': {
      if (!isStatus(input.status)) throw new TypeError('fault.status must be an HTTP status from 100 to 599');
      const code = optionalText(input, 'code');
      if (code === undefined || code === '') throw new TypeError('fault.code must be a non-empty string');
      return { kind: 'error', status: input.status, code, message: optionalText(input, 'message') };
    }
    case 'malformed':
      return { kind: 'malformed', status: optionalStatus(input), body: optionalText(input, 'body') };
    case 'html':
      return { kind: 'html', status: optionalStatus(input) };
    case 'empty':
      return { kind: 'empty', status: optionalStatus(input) };
    case 'reset': {
      if (input.afterApply !== undefined && typeof input.afterApply !== 'boolean') throw new TypeError('fault.afterApply must be a boolean');
      return { kind: 'reset', afterApply: input.afterApply };
    }
    case 'challenge':
      return { kind: 'challenge' };
    default:
      throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
}
