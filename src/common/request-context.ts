import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface RequestContext {
  requestId: string;
  /** The authenticated client's name, once known. */
  client?: string;
  /** The GraphQL operation or REST route being served, once known. */
  operation?: string;
  /** Aborts when the request's overall deadline passes: upstream work for it is abandoned then. */
  deadline: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served, where there is one. */
export const currentRequest = (): RequestContext | undefined => storage.getStore();

/** A client's own id is kept only when it is short and plain, so it is safe in logs and headers. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id, taken from `x-request-id` when the client sent a usable one,
 * returns it in the response header, and makes it and the request's deadline available to the
 * code serving the request.
 */
export function requestContextMiddleware(deadlineMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
    (req as Request & { id: string }).id = requestId;
    res.setHeader('x-request-id', requestId);
    // One timer per request, cleared as soon as the response is done (AbortSignal.timeout would
    // keep every request's signal alive for the whole deadline).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    const context: RequestContext = { requestId, deadline: deadline.signal };
    (req as Request & { context?: RequestContext }).context = context;
    storage.run(context, next);
  };
}
