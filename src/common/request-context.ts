import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

export interface RequestContext {
  requestId: string;
  /** The authenticated client's namespaced id (`key:<name>`, `jwt:<issuer>#<sub>`), once known. */
  client?: string;
  /** The GraphQL operation or REST route being served, once known. */
  operation?: string;
  /** Aborts when the request's overall deadline passes: upstream work for it is abandoned then. */
  deadline: AbortSignal;
  /** The client's address as TRUST_PROXY gives it, once the authentication hook has read it. */
  address?: string;
  /** The upstream calls made for the request that succeeded, for its log line (failures and retries have their own). */
  upstream?: UpstreamCallRecord[];
}

/** One successful upstream call, as the request's log line lists it. */
export interface UpstreamCallRecord {
  action: string;
  attempt: number;
  durationMs: number;
  upstreamRequestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served, where there is one. */
export const currentRequest = (): RequestContext | undefined => storage.getStore();

/** Where GraphQL is served, over HTTP and WebSocket. */
export const GRAPHQL_PATH = '/graphql';

/** The probes and the scrape: open to anyone, never cached, logged at debug when they succeed. */
export const OPERATIONS_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** The API's own documentation, when served: /docs (its UI), /docs-json and /docs-yaml. */
export const isDocumentPath = (path: string): boolean => path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');

/** The path of a request's URL, without its query string. */
export const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** A client's own id is kept only when it is short and plain, so it is safe in logs and headers. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Where the request's id and context are kept on the raw request, for the request log line. */
export type RequestWithContext = { requestId?: string; context?: RequestContext; headers: Record<string, string | string[] | undefined> };

/**
 * The request's id: the client's `x-request-id` when usable, otherwise a new one. Decided once
 * per request (Fastify asks first, for its own request id) and kept on the raw request.
 */
export function requestIdOf(raw: RequestWithContext): string {
  if (raw.requestId) return raw.requestId;
  const given = raw.headers['x-request-id'];
  raw.requestId = typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
  return raw.requestId;
}

/**
 * Gives every request an id, taken from `x-request-id` when the client sent a usable one,
 * returns it in the response header, and makes it and the request's deadline available to the
 * code serving the request. A Fastify `onRequest` hook: what runs after it runs in its context.
 */
export function requestContextHook(deadlineMs: number) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const raw = request.raw as RequestWithContext;
    const requestId = requestIdOf(raw);
    reply.header('x-request-id', requestId);
    const deadline = deadlineAfter(deadlineMs);
    reply.raw.once('close', deadline.clear);
    const context: RequestContext = { requestId, deadline: deadline.signal };
    raw.context = context;
    storage.run(context, done);
  };
}

/**
 * Runs one operation that came outside an HTTP request (a graphql-ws `subscribe` message) in a
 * context of its own, as the HTTP hook does for a request: a new id, the client, the operation,
 * and a deadline of `deadlineMs` (none when undefined: a subscription lives as long as it is
 * wanted) that ends when `work` settles.
 */
export async function runOperation<T>(fields: Pick<RequestContext, 'client' | 'operation'>, deadlineMs: number | undefined, work: () => T | Promise<T>): Promise<T> {
  const deadline = deadlineAfter(deadlineMs);
  try {
    return await storage.run({ requestId: randomUUID(), deadline: deadline.signal, ...fields }, work);
  } finally {
    deadline.clear();
  }
}

/**
 * A signal that aborts after `ms` (never when undefined), and the way to stop its timer: one
 * timer per request, cleared as soon as the request is done (AbortSignal.timeout would keep
 * every request's signal alive for the whole deadline).
 */
function deadlineAfter(ms: number | undefined): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  // Every upstream call of the request listens to it; an operation may make up to GRAPHQL_MAX_UPSTREAM_CALLS.
  setMaxListeners(0, controller.signal);
  if (ms === undefined) return { signal: controller.signal, clear: () => undefined };
  const timer = setTimeout(() => controller.abort(), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
