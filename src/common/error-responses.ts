import type { Request, Response } from 'express';
import { GatewayError } from './gateway-error';

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
  const { upstream, fields } = error.details;
  return {
    type: 'about:blank',
    title: error.code.replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase()),
    status: httpStatusOf(error),
    detail: error.message,
    code: error.code,
    ...(fields && { errors: fields }),
    ...(upstream && { upstream }),
    ...(instance && { instance }),
  };
}

/**
 * Answers a request refused before it reached GraphQL or a route (authentication, rate limit):
 * in GraphQL's shape on `/graphql`, as problem+json elsewhere, with the HTTP status of the code.
 */
export function sendGatewayError(req: Request, res: Response, error: GatewayError): void {
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  if (error.httpStatus === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(httpStatusOf(error));
  if (req.path === '/graphql') {
    res.json({
      errors: [{ message: error.message, extensions: { code: error.code, ...(retryAfter !== undefined && { retryAfter }) } }],
    });
  } else {
    res.type('application/problem+json').send(JSON.stringify(problemDetails(error, req.originalUrl.split('?')[0])));
  }
}
