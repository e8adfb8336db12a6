import { IntrinsicException } from '@nestjs/common';
import { codeOfStatus, ErrorCode } from './error-codes';

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
  /**
   * Zenlayer refused the request for a reason the same input can never overcome (an unknown
   * instance or zone, a zone without image support, a bad parameter), as opposed to one a
   * repeat may pass (instance running, quota full, throttling). Never shown to clients.
   */
  final?: boolean;
  /** An HTTP status more precise than the code's own (413 for an oversized body). */
  httpStatus?: number;
  /**
   * For a refused createImage: the image-creation preflight's blocker code that names the same
   * reason (`INSTANCE_NOT_STOPPED`, `QUOTA_FULL`, ...), so clients handle both alike.
   */
  blocker?: string;
  /** For an INTERNAL_SERVER_ERROR: the request id to quote, also in GraphQL's `extensions`. */
  requestId?: string;
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

  /** A BAD_USER_INPUT error listing each field with its reasons. */
  static badInput(fields: FieldProblem[]): GatewayError {
    const summary = fields.map((f) => `${f.field} ${f.reasons.join(' and ')}`).join('; ');
    return new GatewayError('BAD_USER_INPUT', `Invalid input: ${summary}`, { fields });
  }

  /**
   * The error a bare 4xx status stands for (an HttpException of Nest or Fastify: malformed JSON,
   * an oversized body, no such route), keeping that status; undefined for any other status,
   * which is the gateway's own failure.
   */
  static fromStatus(status: number, message: string): GatewayError | undefined {
    const code = status >= 400 && status < 500 ? codeOfStatus(status) : undefined;
    return code && new GatewayError(code, message, { httpStatus: status });
  }

  /** The generic answer to an unexpected failure: its cause goes to the log, only the request id to the client. */
  static internal(requestId: string | undefined): GatewayError {
    return new GatewayError('INTERNAL_SERVER_ERROR', `Internal server error${requestId ? ` (request id ${requestId})` : ''}`, { requestId });
  }
}
