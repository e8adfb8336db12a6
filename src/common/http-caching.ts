import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDocumentPath, OPERATIONS_PATHS, pathOf } from './request-context';

/**
 * What a cache may do with each answer, and REST's conditional GETs.
 *
 * - Probes and /metrics: `no-store` (a stale "ready" or a stale scrape is worse than none).
 * - The API documents (/docs, /docs-json): `no-cache`, the same for everyone, revalidated.
 * - Every other answer, success or refusal, belongs to the credential that asked:
 *   `private, no-store`, with `Vary` naming the credential headers, so that neither a shared
 *   cache nor a browser hands it to another client. GraphQL answers stay `no-store` (a mutation
 *   elsewhere would leave a browser's copy stale, and POST answers are not reused anyway).
 * - REST `GET /v1/...` 200 answers: `private, no-cache` with a strong `ETag` (SHA-256 of the
 *   body), so a poller revalidates with `If-None-Match` and gets 304 with no body while nothing
 *   changed. A 304 is still a request: authenticated, counted against the rate limit, logged.
 */
export function registerHttpCaching(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request.url);
    if (OPERATIONS_PATHS.has(path)) reply.header('cache-control', 'no-store');
    else if (isDocumentPath(path)) reply.header('cache-control', 'no-cache');
    else {
      reply.header('cache-control', 'private, no-store');
      appendVary(reply, CREDENTIAL_HEADERS);
    }
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode !== 200 || (request.method !== 'GET' && request.method !== 'HEAD') || !pathOf(request.url).startsWith('/v1/')) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    // One-shot `crypto.hash`: no Hash object per answer.
    const etag = `"${hash('sha256', payload, 'base64url')}"`;
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (!matches(request.headers['if-none-match'], etag)) return done(null, payload);
    reply.code(304).removeHeader('content-type').removeHeader('content-length');
    done(null, null);
  });
}

/** The headers a client authenticates with (auth/authenticator.ts): a cached answer is only theirs. */
const CREDENTIAL_HEADERS = ['Authorization', 'X-API-Key'];

/** Adds to `Vary` what it does not name yet (CORS may already have put `Origin` there). */
function appendVary(reply: FastifyReply, names: string[]): void {
  const current = String(reply.getHeader('vary') ?? '');
  const present = new Set(current.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
  const added = names.filter((name) => !present.has(name.toLowerCase()));
  if (added.length > 0) reply.header('vary', [current, ...added].filter(Boolean).join(', '));
}

/** RFC 9110 If-None-Match: `*`, or a list of entity tags compared weakly (a `W/` prefix is ignored). */
function matches(header: FastifyRequest['headers'][string], etag: string): boolean {
  if (typeof header !== 'string') return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
