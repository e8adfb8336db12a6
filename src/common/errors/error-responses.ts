import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { pathOf, GRAPHQL_PATH } from '../request-context';
import { ErrorCode, statusOfCode } from './error-codes';
import { FieldProblem, GatewayError, UpstreamReference } from './gateway-error';

/** What a gateway error carries in GraphQL's `extensions`, in this order. */
export type GraphqlErrorExtensions = {
  code: ErrorCode;
  fields?: FieldProblem[];
  upstream?: UpstreamReference;
  blocker?: string;
  retryAfter?: number;
  requestId?: string;
};

/** RFC 9457 problem details with the gateway's members (see ProblemDetails in rest.ts for the OpenAPI document). */
export type ProblemDocument = {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldProblem[];
  upstream?: UpstreamReference;
  blocker?: string;
  instance?: string;
};

/** An answer to a refused request, for whoever writes it: a Fastify reply or a raw socket. */
export interface ErrorResponse {
  status: number;
  contentType: string;
  /** Headers the error itself calls for (`retry-after`, `www-authenticate`), lower-case. */
  headers: Record<string, string>;
  body: string;
}

/** 504 when Zenlayer did not answer in time, a more precise status when the error names one, otherwise the code's. */
export function httpStatusOf(error: GatewayError): number {
  if (error.details.httpStatus) return error.details.httpStatus;
  const upstreamCode = error.details.upstream?.code;
  if (error.code === 'UPSTREAM_UNAVAILABLE' && (upstreamCode === 'GATEWAY_UPSTREAM_TIMEOUT' || upstreamCode === 'GATEWAY_DEADLINE_EXCEEDED')) {
    return 504;
  }
  return statusOfCode(error.code);
}

/** GraphQL's `extensions` of a gateway error: its code, then only what it carries. */
function graphqlExtensions(error: GatewayError): GraphqlErrorExtensions {
  const { fields, upstream, blocker, retryAfterSeconds, requestId } = error.details;
  return {
    code: error.code,
    ...(fields && { fields }),
    ...(upstream && { upstream }),
    ...(blocker && { blocker }),
    ...(retryAfterSeconds !== undefined && { retryAfter: retryAfterSeconds }),
    ...(requestId && { requestId }),
  };
}

/**
 * One entry of a GraphQL response's `errors`. `at` is where in the operation it happened, when
 * it happened in one (Apollo's `formatError`); a refusal of the whole request has neither.
 */
export function graphqlErrorJson(error: GatewayError, at: Pick<GraphQLFormattedError, 'locations' | 'path'> = {}): GraphQLFormattedError {
  return { message: error.message, locations: at.locations, path: at.path, extensions: graphqlExtensions(error) };
}

/**
 * The same entry as a GraphQLError, for what hands errors to graphql-js or graphql-ws rather
 * than writing JSON: graphql-ws `error` messages, and validation rules and plugins refusing an
 * operation before Apollo runs it (`http`: the status Apollo answers with, not sent to clients).
 * `source` keeps the document locations of a graphql-js error it replaces.
 */
export function toGraphQLError(error: GatewayError, options: { source?: GraphQLError; http?: boolean } = {}): GraphQLError {
  const { source, http } = options;
  return new GraphQLError(error.message, {
    nodes: source?.nodes,
    source: source?.source,
    positions: source?.positions,
    extensions: { ...graphqlExtensions(error), ...(http && { http: { status: httpStatusOf(error) } }) },
  });
}

/** The title of a code in problem details: `QUOTA_EXCEEDED` is "Quota exceeded". */
export const titleOf = (code: ErrorCode): string => code.replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase());

/** RFC 9457 problem details for the REST face; `instance` is the request's path. */
export function problemDetails(error: GatewayError, instance?: string): ProblemDocument {
  const { upstream, fields, blocker } = error.details;
  return {
    type: 'about:blank',
    title: titleOf(error.code),
    status: httpStatusOf(error),
    detail: error.message,
    code: error.code,
    ...(fields && { errors: fields }),
    ...(upstream && { upstream }),
    ...(blocker && { blocker }),
    ...(instance && { instance }),
  };
}

/**
 * The answer to a request refused outside GraphQL's own execution: GraphQL's shape
 * (`{"errors":[...]}`) for the GraphQL route, problem+json with the request's path elsewhere,
 * with the status of {@link httpStatusOf}.
 */
export function errorResponse(error: GatewayError, request: { graphql: boolean; path?: string }): ErrorResponse {
  const headers: Record<string, string> = {};
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer';
  return request.graphql
    ? { status: httpStatusOf(error), contentType: 'application/json; charset=utf-8', headers, body: JSON.stringify({ errors: [graphqlErrorJson(error)] }) }
    : { status: httpStatusOf(error), contentType: 'application/problem+json; charset=utf-8', headers, body: JSON.stringify(problemDetails(error, request.path)) };
}

/** Whether a request is for the GraphQL route (by its route once routed, so `/graphql/` is too), and its path. */
export function requestTarget(request: Pick<FastifyRequest, 'url'> & { routeOptions?: { url?: string } }): { graphql: boolean; path: string } {
  const path = pathOf(request.url);
  return { graphql: (request.routeOptions?.url ?? path) === GRAPHQL_PATH, path };
}

/**
 * Answers a request with a gateway error (see {@link errorResponse}). Used for requests
 * refused before GraphQL or a route ran (authentication, rate limit, request limits, trusted
 * documents, the router's own refusals) and by the REST exception filter.
 */
export function sendGatewayError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  const response = errorResponse(error, requestTarget(request));
  return reply.headers(response.headers).code(response.status).type(response.contentType).send(response.body);
}
