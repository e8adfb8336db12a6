import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { PinoLogger } from 'nestjs-pino';
import { pathOf, RequestWithContext, GRAPHQL_PATH } from '../request-context';
import { redactUrl } from '../secrets';
import { errorResponse, httpStatusOf, sendGatewayError } from './error-responses';
import { GatewayError } from './gateway-error';

/**
 * Fastify's `frameworkErrors`: answers the router's own refusals (414 for a path parameter over
 * `maxParamLength`, 400 for a malformed URL) like every other refusal. No hook runs for them,
 * so the security headers, the request id and the log line are added here.
 */
export function frameworkErrorHandler(securityHeaders: Record<string, string>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
    const status = error.statusCode ?? 500;
    const refusal =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new GatewayError('BAD_REQUEST', 'A segment of the URL path is too long', { httpStatus: 414 })
        : error.code === 'FST_ERR_BAD_URL'
          ? new GatewayError('BAD_REQUEST', 'The URL path is not valid (malformed percent-encoding)')
          : status < 500
            ? new GatewayError('BAD_REQUEST', 'The request could not be routed')
            : GatewayError.internal(request.id);
    sendGatewayError(request, reply, refusal);
    logRefusal(request.id, request.method, request.url, httpStatusOf(refusal), error.code);
  };
}

/**
 * Fastify's `clientErrorHandler`, for what Node's HTTP parser refuses before there is a request
 * (431 for a request line and headers over the size limit, 400 for something that is not HTTP)
 * and for a request whose headers and body did not arrive within REQUEST_TIMEOUT_MS (408). The
 * answer is written to the socket directly, with the security headers and a request id (the
 * request's own when its headers had been read), then the connection is closed.
 */
export function clientErrorHandler(securityHeaders: Record<string, string>) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // The response of a request already being served (a slow body), if there is one.
    const pending = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    const request = pending?.req as (ServerResponse['req'] & RequestWithContext) | undefined;
    const requestId = request?.requestId ?? randomUUID();
    const url = request?.url ?? '';
    const refusal =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new GatewayError('BAD_REQUEST', 'The request was not received completely in time', { httpStatus: 408 })
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? new GatewayError('BAD_REQUEST', 'The request line and headers are too large', { httpStatus: 431 })
          : new GatewayError('BAD_REQUEST', 'The request is not valid HTTP');
    if (socket.writable && !pending?.headersSent) socket.write(rawRefusal(refusal, url, requestId, securityHeaders));
    socket.destroy(error);
    logRefusal(requestId, request?.method, url, httpStatusOf(refusal), error.code);
  };
}

/**
 * A refusal as raw HTTP, for a socket no Fastify reply owns (a request Node's parser refused, an
 * upgrade the gateway does not serve): the same body, security headers and request id as every
 * other answer, and `Connection: close`.
 */
export function rawRefusal(refusal: GatewayError, url: string, requestId: string, securityHeaders: Record<string, string>): string {
  const path = pathOf(url);
  const response = errorResponse(refusal, { graphql: path === GRAPHQL_PATH, path });
  const headers = {
    ...securityHeaders,
    'x-request-id': requestId,
    ...response.headers,
    'content-type': response.contentType,
    'content-length': String(Buffer.byteLength(response.body)),
    connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status]}\r\n${head.join('')}\r\n${response.body}`;
}

/** The one log line of a request no Fastify hook saw to its end. */
export function logRefusal(requestId: string, method: string | undefined, url: string, statusCode: number, reason: string | undefined): void {
  const logger = PinoLogger.root;
  if (!logger?.isLevelEnabled('info')) return;
  // The URL as far as it is useful: a refused one may be as long as the header limit allows.
  // `headersSent`: pino-http's response serializer reports the status only of a response sent.
  logger.info({ requestId, req: { method, url: redactUrl(url).slice(0, 2048) }, res: { statusCode, headersSent: true }, reason }, 'request refused');
}
