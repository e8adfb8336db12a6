import type { ZenlayerActionName } from './actions';

/**
 * How a call failed.
 * - `api`: Zenlayer answered with an error code.
 * - `timeout`: no complete answer within the per-attempt timeout.
 * - `network`: the connection failed (refused, reset, DNS).
 * - `bad-response`: an answer that is not Zenlayer's JSON envelope (empty, truncated, HTML, ...).
 * - `challenge`: an edge security challenge (HTTP 403 with `cf-mitigated: challenge`), not an API error.
 * - `blocked`: HTTP 451, the request was blocked by a security policy.
 */
export type ZenlayerFailureKind = 'api' | 'timeout' | 'network' | 'bad-response' | 'challenge' | 'blocked';

/** Stand-in codes for failures where Zenlayer gave none. */
export const SYNTHETIC_CODES: Record<Exclude<ZenlayerFailureKind, 'api'>, string> = {
  timeout: 'GATEWAY_UPSTREAM_TIMEOUT',
  network: 'GATEWAY_UPSTREAM_NETWORK_ERROR',
  'bad-response': 'GATEWAY_UPSTREAM_BAD_RESPONSE',
  challenge: 'GATEWAY_UPSTREAM_EDGE_CHALLENGE',
  blocked: 'GATEWAY_UPSTREAM_BLOCKED',
};

export interface ZenlayerErrorDetails {
  action: ZenlayerActionName;
  kind: ZenlayerFailureKind;
  /** Zenlayer's code as received (either spelling), or a synthetic code for non-API failures. */
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
  /**
   * False only when the request certainly never reached Zenlayer (connection refused, DNS).
   * A write that failed with `sent: true` and no answer may have been carried out.
   */
  sent: boolean;
}

/** The one error the Zenlayer client throws. */
export class ZenlayerError extends Error implements ZenlayerErrorDetails {
  readonly action: ZenlayerActionName;
  readonly kind: ZenlayerFailureKind;
  readonly code: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  readonly sent: boolean;

  constructor(details: ZenlayerErrorDetails) {
    super(details.message);
    this.name = 'ZenlayerError';
    this.action = details.action;
    this.kind = details.kind;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.sent = details.sent;
  }

  /** The code in the documented spelling: `Invalid.Image.Not.Found` becomes `INVALID_IMAGE_NOT_FOUND`. */
  get normalizedCode(): string {
    return normalizeZenlayerCode(this.code);
  }

  /**
   * Zenlayer throttled the call: it did not act, and a later retry may succeed. HTTP 429 counts
   * whatever its body, as an edge in front of the API may answer it with an HTML page or nothing.
   */
  get throttled(): boolean {
    return this.httpStatus === 429 || this.normalizedCode === 'REQUEST_LIMIT_EXCEEDED';
  }
}

/** Folds the SDKs' dotted spelling and the documentation's upper-case spelling into one. */
export function normalizeZenlayerCode(code: string): string {
  return code.replace(/[.\s-]+/g, '_').toUpperCase();
}
