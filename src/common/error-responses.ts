import type { Request, Response } from 'express';
import { GatewayError } from './gateway-error';

/** RFC 9457 problem details for the REST face. */
export function problemDetails(error: GatewayError, instance?: string): Record<string, unknown> {
  const { upstream, fields } = error.details;
  return {
    type: 'about:blank',
    title: error.code.replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase()),
    status: error.httpStatus,
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
  res.status(error.httpStatus);
  if (req.path === '/graphql') {
    res.json({
      errors: [{ message: error.message, extensions: { code: error.code, ...(retryAfter !== undefined && { retryAfter }) } }],
    });
  } else {
    res.type('application/problem+json').send(JSON.stringify(problemDetails(error, req.originalUrl.split('?')[0])));
  }
}
