import { ApolloServerErrorCode } from '@apollo/server/errors';

/**
 * How a row is found from an HTTP status alone (an HttpException from Nest or Fastify, an
 * error Apollo raised with a status and no code): `exact` for its own status, `class` for its
 * own status and any other of the same hundred that no row claims exactly.
 */
type FromStatus = 'exact' | 'class';

interface ErrorCodeRow {
  /** The HTTP status the code answers with on the REST face and for whole-request GraphQL refusals. */
  status: number;
  /** Set on the one code a bare status reads as; see {@link FromStatus}. */
  fromStatus?: FromStatus;
  /** Apollo Server's own codes that are passed on to clients as this code. */
  apollo?: readonly ApolloServerErrorCode[];
}

/**
 * The error codes of the public contract (API.md, docs/graphql.md "Errors"), shared by GraphQL
 * (`extensions.code`) and REST (problem+json `code`), with what belongs to each. The one list:
 * {@link ErrorCode}, the OpenAPI enum and the status mappings are all read from it.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, apollo: [ApolloServerErrorCode.BAD_USER_INPUT] },
  UNAUTHENTICATED: { status: 401, fromStatus: 'exact' },
  FORBIDDEN: { status: 403, fromStatus: 'exact' },
  NOT_FOUND: { status: 404, fromStatus: 'exact' },
  QUOTA_EXCEEDED: { status: 409 },
  FAILED_PRECONDITION: { status: 409, fromStatus: 'exact' },
  IDEMPOTENCY_KEY_REUSED: { status: 409 },
  RATE_LIMITED: { status: 429, fromStatus: 'exact' },
  // 504 instead when Zenlayer did not answer in time (see httpStatusOf).
  UPSTREAM_UNAVAILABLE: { status: 503 },
  UPSTREAM_ERROR: { status: 502 },
  STORE_UNAVAILABLE: { status: 503 },
  // The trusted-documents refusals; Apollo's own (automatic persisted queries) reads the same.
  PERSISTED_QUERY_NOT_FOUND: { status: 400, apollo: [ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND] },
  OPERATION_NOT_ALLOWED: { status: 400 },
  GRAPHQL_PARSE_FAILED: { status: 400, apollo: [ApolloServerErrorCode.GRAPHQL_PARSE_FAILED] },
  GRAPHQL_VALIDATION_FAILED: { status: 400, apollo: [ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED] },
  // A malformed request: every 4xx without a code of its own (body not JSON, too large, wrong media type, URL too long, ...).
  BAD_REQUEST: {
    status: 400,
    fromStatus: 'class',
    apollo: [ApolloServerErrorCode.BAD_REQUEST, ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED],
  },
  // Never for a client's mistake: every 5xx that is not an upstream or store failure.
  INTERNAL_SERVER_ERROR: { status: 500, fromStatus: 'class' },
} as const satisfies Record<string, ErrorCodeRow>;

/** A code of the public contract. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Every {@link ErrorCode}, in the order of the contract. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

const rows = Object.entries(ERROR_CODES as Record<ErrorCode, ErrorCodeRow>) as Array<[ErrorCode, ErrorCodeRow]>;
const byExactStatus = new Map(rows.filter(([, row]) => row.fromStatus).map(([code, row]) => [row.status, code]));
const byStatusClass = new Map(rows.filter(([, row]) => row.fromStatus === 'class').map(([code, row]) => [Math.floor(row.status / 100), code]));
const byApolloCode = new Map<string, ErrorCode>(rows.flatMap(([code, row]) => (row.apollo ?? []).map((apollo) => [apollo, code] as const)));

/** The HTTP status a code answers with. */
export function statusOfCode(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/**
 * The code a bare HTTP status reads as: an HttpException of Nest or Fastify (malformed JSON,
 * an oversized body, no such route), or an error Apollo raised with a status but no code.
 * Undefined for a status that is not an error (below 400 or above 599).
 */
export function codeOfStatus(status: number): ErrorCode | undefined {
  return byExactStatus.get(status) ?? (status >= 400 && status < 600 ? byStatusClass.get(Math.floor(status / 100)) : undefined);
}

/** The code an error of Apollo Server's own with this `extensions.code` is passed on as; undefined for any other code. */
export function codeOfApolloCode(apolloCode: string): ErrorCode | undefined {
  return byApolloCode.get(apolloCode);
}
