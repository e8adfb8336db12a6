import { ErrorCode, GatewayError } from '../../common/errors';
// instanceof rather than cockatiel's is*Error helpers: in cockatiel 3 some of those test the wrong property.
import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError, TaskCancelledError } from 'cockatiel';
import { RateLimiterQueueError } from 'rate-limiter-flexible';
import { outsideTextCleaner } from '../../common/secrets';
import type { ZenlayerActionName } from './actions';
import { normalizeZenlayerCode, SYNTHETIC_CODES, ZenlayerError } from './zenlayer.error';

interface KnownCode {
  code: ErrorCode;
  /** What the client is told: what went wrong and what to do about it. */
  message: string;
  /** For a CreateImage refusal: the preflight blocker naming the same reason. */
  blocker?: string;
  /** The same input can never overcome it (see GatewayErrorDetails.final). */
  final?: true;
}

/** Zenlayer's action-specific codes, in the documented spelling (dotted ones are normalised first). */
const KNOWN: Record<string, KnownCode> = {
  INVALID_IMAGE_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such image: check the image ids' },
  INVALID_INSTANCE_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such instance: check instanceId', blocker: 'INSTANCE_NOT_FOUND', final: true },
  INVALID_ZONE_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such zone: check the zone ids (see the zones query)', final: true },
  // DescribeImageQuota answers it for a zone id it does not know: to a client, a zone not found.
  INVALID_REGION_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such zone: check the zone ids (see the zones query)', final: true },
  OPERATION_FAILED_RESOURCE_NOT_FOUND: { code: 'NOT_FOUND', message: 'The resource was not found at Zenlayer', final: true },
  LIMIT_EXCEEDED_IMAGE_QUOTA: {
    code: 'QUOTA_EXCEEDED',
    message: "The zone's custom image quota is used up: delete an image in that zone or ask Zenlayer support to raise the limit",
    blocker: 'QUOTA_FULL',
  },
  UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING: {
    code: 'FAILED_PRECONDITION',
    message: 'The instance is not powered off: shut it down before making an image of it',
    blocker: 'INSTANCE_NOT_STOPPED',
  },
  UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT: {
    code: 'FAILED_PRECONDITION',
    message: "The instance's zone does not support creating images (SIN-E and LAX-A do not)",
    blocker: 'ZONE_UNSUPPORTED',
    final: true,
  },
  UNSUPPORTED_OPERATION_DISK_UNAVAILABLE: {
    code: 'FAILED_PRECONDITION',
    message: "The instance's system disk is unavailable, so no image can be made of it now",
    blocker: 'DISK_UNAVAILABLE',
  },
  UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE: {
    code: 'FAILED_PRECONDITION',
    message: "An image of the instance's system disk is already being made: wait until it is AVAILABLE",
    blocker: 'DISK_BUSY',
  },
  INVALID_IMAGE_STATUS: {
    code: 'FAILED_PRECONDITION',
    message: "The image's status does not allow this operation (an image still CREATING cannot be changed or deleted)",
  },
};

/**
 * The `outcome` label of a failed call in the upstream metric: a code the gateway knows, in the
 * documented spelling, or its family, or OTHER. A bounded set whatever Zenlayer sends, so that a
 * stray code cannot grow the metric's series.
 */
export function metricOutcome(error: ZenlayerError): string {
  const normalized = error.normalizedCode;
  if (normalized in KNOWN || LABELLED_CODES.has(normalized)) return normalized;
  if (normalized.startsWith('INVALID_PARAMETER')) return 'INVALID_PARAMETER';
  if (normalized.startsWith('AUTHFAILURE')) return 'AUTHFAILURE';
  return 'OTHER';
}

/** Zenlayer's codes in either spelling (`Invalid.Image.Not.Found`, `INVALID_IMAGE_NOT_FOUND`). */
const UPSTREAM_CODE = /^[A-Za-z][A-Za-z0-9_.]{0,80}$/;
/** What stands for an upstream code of another shape: it is never shown or logged as sent. */
export const UNRECOGNIZED_CODE = 'UNRECOGNIZED_CODE';
/** Zenlayer's request ids are UUIDs; anything plain and short is kept. */
const UPSTREAM_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const UNRECOGNIZED_REQUEST_ID = 'UNRECOGNIZED_REQUEST_ID';

/** An upstream code fit for a client, a log line and a metric label. */
const safeUpstreamCode = (code: string): string => (UPSTREAM_CODE.test(code) ? code : UNRECOGNIZED_CODE);

/** An upstream request id fit for a client and a log line (absent and empty stay so). */
export const safeUpstreamRequestId = <T extends string | undefined>(id: T): T | string =>
  !id || UPSTREAM_REQUEST_ID.test(id) ? id : UNRECOGNIZED_REQUEST_ID;

/**
 * The error as it may be shown, logged, measured and audited: its code and request id checked
 * for shape, its message cleaned by `clean` (markup and control characters out, secrets
 * scrubbed, bounded; see {@link outsideTextCleaner}). Zenlayer, or whatever answers in its
 * place, may send anything, HTML pages and internal paths included.
 */
export function sanitizedZenlayerError(error: ZenlayerError, clean: (text: string) => string): ZenlayerError {
  return new ZenlayerError({
    action: error.action,
    kind: error.kind,
    code: safeUpstreamCode(error.code),
    message: clean(error.message),
    httpStatus: error.httpStatus,
    requestId: safeUpstreamRequestId(error.requestId),
    sent: error.sent,
  });
}

const UNAVAILABLE_CODES = new Set(['SERVICE_TEMPORARY_UNAVAILABLE', 'REQUEST_TIMED_OUT', 'INTERNAL_SERVER_ERROR']);
/** Codes besides {@link KNOWN}'s that the upstream metric names as they are. */
const LABELLED_CODES = new Set([...UNAVAILABLE_CODES, 'REQUEST_LIMIT_EXCEEDED', 'MISSING_PARAMETER', ...Object.values(SYNTHETIC_CODES)]);

/**
 * Translates a failed Zenlayer call, as {@link sanitizedZenlayerError} made it safe (its code and
 * request id of the expected shape, its message cleaned), into the error the client sees.
 * Zenlayer's own message is passed on only for parameter errors, where it tells the user what
 * to fix; anything about the gateway's credentials or Zenlayer's internals stays in the logs.
 */
export function fromZenlayerError(error: ZenlayerError, clientFields: readonly string[] = []): GatewayError {
  const upstreamCode = error.code;
  const upstream = { action: error.action, code: upstreamCode, requestId: error.requestId };
  const make = (code: ErrorCode, message: string, retryAfterSeconds?: number, final?: true) =>
    new GatewayError(code, message, { upstream, retryAfterSeconds, final });

  // Before the kind: a 429 whose body is an HTML page or empty (an edge or proxy in front of
  // the API) is throttling all the same, and must not read as an unreadable answer.
  if (error.throttled) {
    return make('RATE_LIMITED', 'Zenlayer is throttling requests from this account; retry after a short wait', 1);
  }
  switch (error.kind) {
    case 'timeout':
      return make('UPSTREAM_UNAVAILABLE', 'Zenlayer did not answer in time; try again shortly');
    case 'network':
      return make('UPSTREAM_UNAVAILABLE', 'Zenlayer could not be reached; try again shortly');
    case 'challenge':
      return make('UPSTREAM_UNAVAILABLE', "Zenlayer's edge challenged the gateway's request; try again later");
    case 'blocked':
      return make('UPSTREAM_ERROR', "Zenlayer's security policy blocked the request (HTTP 451)");
    case 'bad-response':
      return (error.httpStatus ?? 0) >= 500
        ? make('UPSTREAM_UNAVAILABLE', `Zenlayer failed (HTTP ${error.httpStatus}); try again shortly`)
        : make('UPSTREAM_ERROR', 'Zenlayer sent an answer the gateway could not read');
    case 'api':
      break;
  }

  const normalized = normalizeZenlayerCode(upstreamCode);
  const known = KNOWN[normalized];
  if (known?.blocker && error.action === 'CreateImage') return new GatewayError(known.code, known.message, { upstream, blocker: known.blocker, final: known.final });
  if (known) return make(known.code, known.message, undefined, known.final);
  if (normalized === 'MISSING_PARAMETER' || normalized.startsWith('INVALID_PARAMETER')) {
    // The gateway checks every value a client gives before sending it, and fills in the rest
    // itself: a parameter refused is the client's only when it is one of theirs.
    if (normalized !== 'MISSING_PARAMETER' && namesAny(error.message, clientFields)) {
      return make('BAD_USER_INPUT', `Zenlayer rejected the request: ${error.message}`, undefined, true);
    }
    return make(
      'UPSTREAM_ERROR',
      `Zenlayer refused a parameter the gateway itself filled in (${upstreamCode}): a fault of the gateway, not of this request; report it to the gateway's operator with the request id`,
    );
  }
  if (normalized === 'AUTHFAILURE_SIGNATURE_EXPIRED') {
    // The keys are fine: the signed timestamp is more than 5 minutes from Zenlayer's clock.
    return make(
      'UPSTREAM_ERROR',
      "Zenlayer refused the gateway's request as expired: the gateway host's clock differs from Zenlayer's by more than 5 minutes; the gateway's operator must correct the clock (e.g. enable NTP)",
    );
  }
  if (normalized.startsWith('AUTHFAILURE')) {
    return make('UPSTREAM_ERROR', "Zenlayer refused the gateway's own credentials; the gateway's operator must check them");
  }
  if (UNAVAILABLE_CODES.has(normalized) || (error.httpStatus ?? 0) >= 500) {
    return make('UPSTREAM_UNAVAILABLE', 'Zenlayer is temporarily unavailable; try again shortly');
  }
  return make('UPSTREAM_ERROR', `Zenlayer refused the request (${upstreamCode})`);
}

/** Whether `message` names one of `fields` as a word (Zenlayer's parameter errors name the parameter). */
function namesAny(message: string, fields: readonly string[]): boolean {
  return fields.some((field) => new RegExp(`\\b${field}\\b`).test(message));
}

/**
 * Translates a refusal by the gateway's own upstream policies (circuit open, too many calls
 * waiting, deadline passed) into the error the client sees; undefined for anything else.
 */
export function fromPolicyError(error: unknown, action: ZenlayerActionName, deadlineMs: number, deadlinePassed: boolean): GatewayError | undefined {
  const upstream = { action, code: 'NOT_SENT' };
  if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
    return new GatewayError('UPSTREAM_UNAVAILABLE', 'Zenlayer is failing, so the gateway is not calling it for a moment; try again shortly', {
      upstream: { ...upstream, code: 'GATEWAY_CIRCUIT_OPEN' },
      retryAfterSeconds: 5,
    });
  }
  if (error instanceof BulkheadRejectedError || error instanceof RateLimiterQueueError) {
    return new GatewayError('RATE_LIMITED', 'Too many calls to Zenlayer are waiting; retry after a short wait', {
      upstream: { ...upstream, code: 'GATEWAY_UPSTREAM_QUEUE_FULL' },
      retryAfterSeconds: 1,
    });
  }
  if (deadlinePassed || error instanceof TaskCancelledError) {
    return new GatewayError('UPSTREAM_UNAVAILABLE', `Zenlayer did not answer within the request's deadline of ${deadlineMs} ms; try again shortly`, {
      upstream: { action, code: 'GATEWAY_DEADLINE_EXCEEDED' },
    });
  }
  return undefined;
}
