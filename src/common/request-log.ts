import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { currentRequest, OPERATIONS_PATHS, pathOf, RequestWithContext } from './request-context';
import { redactUrl } from './secrets';

/** What every log line written while serving a request carries: the request's id. */
export function requestLogFields(): Record<string, unknown> {
  const context = currentRequest();
  return context ? { requestId: context.requestId } : {};
}

/**
 * One line per request when it completes: its id, method, URL (credential-like query
 * parameters redacted) and client address, status, duration, once known the client's identity id and the GraphQL
 * operation or REST route, and the upstream calls that served it (action, attempt, duration,
 * Zenlayer's request id). 5xx answers are logged as errors, successful probes and scrapes at debug.
 */
export function registerRequestLog(fastify: FastifyInstance): void {
  // The line is built here from fields that hold no credential (the URL is redacted above), so
  // it skips the logger's path redaction, which walked every line of every request.
  let logger: typeof PinoLogger.root | undefined;
  fastify.addHook('onResponse', (request, reply, done) => {
    logger ??= PinoLogger.root.child({}, { redact: [] });
    const failed = reply.statusCode >= 500;
    // Probes and scrapes: their successful hits at debug, not at info every few seconds.
    const level = failed ? 'error' : reply.statusCode < 400 && OPERATIONS_PATHS.has(pathOf(request.raw.url ?? '')) ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      const raw = request.raw as RequestWithContext;
      const context = raw.context;
      const line = {
        requestId: raw.requestId,
        req: { method: request.raw.method, url: redactUrl(request.raw.url ?? '') },
        // The client's address as TRUST_PROXY gives it: the one the limits count by.
        clientAddress: context?.address ?? request.ip,
        res: reply.raw,
        responseTime: Math.round(reply.elapsedTime),
        ...(context?.client && { client: context.client, operation: context.operation }),
        ...(context?.upstream && { upstream: context.upstream }),
      };
      logger[level](line, failed ? 'request errored' : 'request completed');
    }
    done();
  });
}
