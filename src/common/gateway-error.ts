import { IntrinsicException } from '@nestjs/common';

/** The error codes of the public contract (API.md), shared by GraphQL and REST. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'QUOTA_EXCEEDED'
  | 'FAILED_PRECONDITION'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'STORE_UNAVAILABLE'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'OPERATION_NOT_ALLOWED'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'INTERNAL_SERVER_ERROR';

/** The HTTP status each code answers with on the REST face (and for whole-request GraphQL failures). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  QUOTA_EXCEEDED: 409,
  FAILED_PRECONDITION: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  PERSISTED_QUERY_NOT_FOUND: 400,
  OPERATION_NOT_ALLOWED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  INTERNAL_SERVER_ERROR: 500,
};

/** One bad field of an input, by its path in the operation's arguments (e.g. `input.name`). */
export interface FieldProblem {
  field: string;
  reasons: string[];
}

/** Which upstream call an error came from, for support tickets with Zenlayer. */
export interface UpstreamReference {
  action: string;
  code: string;
  requestId?: string;
}

export interface GatewayErrorDetails {
  fields?: FieldProblem[];
  upstream?: UpstreamReference;
  retryAfterSeconds?: number;
  /**
   * A write failed in a way that leaves its outcome unknown (sent, then a timeout, a reset, a
   * 5xx or an unreadable answer): Zenlayer may have carried it out. Never shown to clients.
   */
  outcomeUnknown?: boolean;
  /** An HTTP status more precise than the code's own (413 for an oversized body). */
  httpStatus?: number;
  /**
   * For a refused createImage: the image-creation preflight's blocker code that names the same
   * reason (`INSTANCE_NOT_STOPPED`, `QUOTA_FULL`, ...), so clients handle both alike.
   */
  blocker?: string;
}

/**
 * A failure the client may see. Services throw it; the GraphQL formatter and the REST filter
 * turn it into a response. Its message is written for the client and never holds a secret.
 * (An IntrinsicException, so Nest does not log it as an unexpected error: it is expected.)
 */
export class GatewayError extends IntrinsicException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: GatewayErrorDetails = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** A BAD_USER_INPUT error listing each field with its reasons. */
  static badInput(fields: FieldProblem[]): GatewayError {
    const summary = fields.map((f) => `${f.field} ${f.reasons.join(' and ')}`).join('; ');
    return new GatewayError('BAD_USER_INPUT', `Invalid input: ${summary}`, { fields });
  }
}
