import type { FastifyReply } from 'fastify';
import { GatewayError } from './gateway-error';
import { pathOf } from './request-context';

/** 504 when Zenlayer did not answer in time, otherwise the code's status. */
export function httpStatusOf(error: GatewayError): number {
  if (error.details.httpStatus) return error.details.httpStatus;
  const upstreamCode = error.details.upstream?.code;
  if (error.code === 'UPSTREAM_UNAVAILABLE' && (upstreamCode === 'GATEWAY_UPSTREAM_TIMEOUT' || upstreamCode === 'GATEWAY_DEADLINE_EXCEEDED')) {
    return 504;
  }
  return error.httpStatus;
}

/** RFC 9457 problem details for the REST face. */
export function problemDetails(error: GatewayError, instance?: string): Record<string, unknown> {
  const { upstream, fields, blocker } = error.details;
  return {
    type: 'about:blank',
    title: error.code.replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase()),
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
 * Answers with a gateway error: in GraphQL's shape on `/graphql`, as problem+json elsewhere,
 * with the HTTP status of the code. Used for requests refused before GraphQL or a route ran
 * (authentication, rate limit, limits) and by the REST exception filter.
 */
export function sendGatewayError(url: string, reply: FastifyReply, error: GatewayError): FastifyReply {
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  if (error.httpStatus === 401) reply.header('WWW-Authenticate', 'Bearer');
  reply.code(httpStatusOf(error));
  const path = pathOf(url);
  if (path === '/graphql') {
    return reply.type('application/json; charset=utf-8').send(
      JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, ...(retryAfter !== undefined && { retryAfter }) } }] }),
    );
  }
  return reply.type('application/problem+json; charset=utf-8').send(JSON.stringify(problemDetails(error, path)));
}
