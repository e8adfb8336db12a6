import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, sendGatewayError } from '../common/errors';
import { currentRequest, GRAPHQL_PATH, isDocumentPath, OPERATIONS_PATHS, pathOf } from '../common/request-context';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { Authenticator } from './authenticator';
import { ClientRateLimiter, rateLimitHeaders } from './client-rate-limiter';
import type { AuthenticatedRequest } from './scopes.guard';

/** Paths anyone may reach: health checks for orchestrators, and the API's own documentation (when served). */
const isPublic = (path: string) => OPERATIONS_PATHS.has(path) || isDocumentPath(path);

/**
 * Authenticates every request before GraphQL or a route sees it, then counts it against the
 * client's rate limit. A refusal answers 401 or 429 at once, so no resolver ever runs for it;
 * failed authentications are also counted per source address ({@link AuthFailureLimiter}).
 * A Fastify `onRequest` hook ({@link onRequest}).
 */
@Injectable()
export class AuthenticationHook {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: ClientRateLimiter,
    private readonly authFailures: AuthFailureLimiter,
  ) {}

  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = pathOf(request.url);
    if (isPublic(path)) return;
    try {
      await this.admit(request as AuthenticatedRequest, reply, path);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      // Refused before its body was read: close the connection once answered, rather than let
      // Node read (and throw away) whatever body a client trickles in.
      if (hasUnreadBody(request)) reply.header('connection', 'close');
      return sendGatewayError(request, reply, error);
    }
  };

  private async admit(request: AuthenticatedRequest, reply: FastifyReply, path: string): Promise<void> {
    // Read once (proxy-addr walks X-Forwarded-For each time request.ip is asked): the log line reuses it.
    const address = request.ip;
    const identity = await this.authFailures.guard(address, () => this.authenticator.authenticate(request.headers));
    request.identity = identity;
    const context = currentRequest();
    if (context) {
      context.address = address;
      context.client = identity.id;
      if (path !== GRAPHQL_PATH) context.operation = `${request.method} ${path}`;
    }
    // Every answer of a limited client says where it stands, a refusal included.
    await this.rateLimiter.consume(identity.kind === 'anonymous' ? `ip:${address}` : identity.id, (state) => reply.headers(rateLimitHeaders(state)));
  }
}

function hasUnreadBody(request: FastifyRequest): boolean {
  if (request.raw.complete) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
