import { ErrorCode, GatewayError } from '../../common/gateway-error';
// instanceof rather than cockatiel's is*Error helpers: in cockatiel 3 some of those test the wrong property.
import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError, TaskCancelledError } from 'cockatiel';
import { RateLimiterQueueError } from 'rate-limiter-flexible';
import type { ZenlayerActionName } from './actions';
import type { ZenlayerError } from './zenlayer.error';

interface KnownCode {
  code: ErrorCode;
  /** What the client is told: what went wrong and what to do about it. */
  message: string;
}

/** Zenlayer's action-specific codes, in the documented spelling (dotted ones are normalised first). */
const KNOWN: Record<string, KnownCode> = {
  INVALID_IMAGE_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such image: check the image ids' },
  INVALID_INSTANCE_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such instance: check instanceId' },
  INVALID_ZONE_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such zone: check the zone ids (see the zones query)' },
  INVALID_REGION_NOT_FOUND: { code: 'NOT_FOUND', message: 'No such region' },
  OPERATION_FAILED_RESOURCE_NOT_FOUND: { code: 'NOT_FOUND', message: 'The resource was not found at Zenlayer' },
  LIMIT_EXCEEDED_IMAGE_QUOTA: {
    code: 'QUOTA_EXCEEDED',
    message: "The zone's custom image quota is used up: delete an image in that zone or ask Zenlayer support to raise the limit",
  },
  UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING: {
    code: 'FAILED_PRECONDITION',
    message: 'The instance is not powered off: shut it down before making an image of it',
  },
  UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT: {
    code: 'FAILED_PRECONDITION',
    message: "The instance's zone does not support creating images (SIN-E and LAX-A do not)",
  },
  UNSUPPORTED_OPERATION_DISK_UNAVAILABLE: {
    code: 'FAILED_PRECONDITION',
    message: "The instance's system disk is unavailable, so no image can be made of it now",
  },
  UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE: {
    code: 'FAILED_PRECONDITION',
    message: "An image of the instance's system disk is already being made: wait until it is AVAILABLE",
  },
  INVALID_IMAGE_STATUS: {
    code: 'FAILED_PRECONDITION',
    message: "The image's status does not allow this operation (an image still CREATING cannot be changed or deleted)",
  },
};

const UNAVAILABLE_CODES = new Set(['SERVICE_TEMPORARY_UNAVAILABLE', 'REQUEST_TIMED_OUT', 'INTERNAL_SERVER_ERROR']);

/**
 * Translates a failed Zenlayer call into the error the client sees. Zenlayer's own message is
 * passed on only for parameter errors, where it tells the user what to fix; anything about the
 * gateway's credentials or Zenlayer's internals stays in the logs.
 */
export function fromZenlayerError(error: ZenlayerError, scrub: (text: string) => string = (t) => t): GatewayError {
  const upstream = { action: error.action, code: error.code, requestId: error.requestId };
  const make = (code: ErrorCode, message: string, retryAfterSeconds?: number) =>
    new GatewayError(code, message, { upstream, retryAfterSeconds });

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

  const code = error.normalizedCode;
  const known = KNOWN[code];
  if (known) return make(known.code, known.message);
  if (code === 'MISSING_PARAMETER' || code.startsWith('INVALID_PARAMETER')) {
    return make('BAD_USER_INPUT', `Zenlayer rejected the request: ${scrub(error.message)}`);
  }
  if (code === 'AUTHFAILURE_SIGNATURE_EXPIRED') {
    // The keys are fine: the signed timestamp is more than 5 minutes from Zenlayer's clock.
    return make(
      'UPSTREAM_ERROR',
      "Zenlayer refused the gateway's request as expired: the gateway host's clock differs from Zenlayer's by more than 5 minutes; the gateway's operator must correct the clock (e.g. enable NTP)",
    );
  }
  if (code.startsWith('AUTHFAILURE')) {
    return make('UPSTREAM_ERROR', "Zenlayer refused the gateway's own credentials; the gateway's operator must check them");
  }
  if (UNAVAILABLE_CODES.has(code) || (error.httpStatus ?? 0) >= 500) {
    return make('UPSTREAM_UNAVAILABLE', 'Zenlayer is temporarily unavailable; try again shortly');
  }
  return make('UPSTREAM_ERROR', `Zenlayer refused the request (${error.code})`);
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
