import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendGatewayError } from '../common/error-responses';
import { GatewayError } from '../common/gateway-error';
import { currentRequest, pathOf } from '../common/request-context';
import { Authenticator } from './authenticator';
import { ClientRateLimiter } from './client-rate-limiter';
import type { AuthenticatedRequest } from './scopes.guard';

/** Paths anyone may reach: health checks for orchestrators, and the API's own documentation (when served). */
const isPublic = (path: string) => path === '/healthz' || path === '/readyz' || path === '/metrics' || path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');

/**
 * Authenticates every request before GraphQL or a route sees it, then counts it against the
 * client's rate limit. A refusal answers 401 or 429 at once, so no resolver ever runs for it.
 * A Fastify `onRequest` hook ({@link onRequest}).
 */
@Injectable()
export class AuthenticationHook {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: ClientRateLimiter,
  ) {}

  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = pathOf(request.url);
    if (isPublic(path)) return;
    try {
      await this.admit(request as AuthenticatedRequest, path);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      return sendGatewayError(request.url, reply, error);
    }
  };

  private async admit(request: AuthenticatedRequest, path: string): Promise<void> {
    const identity = await this.authenticator.authenticate(request.headers);
    request.identity = identity;
    const context = currentRequest();
    if (context) {
      context.client = identity.name;
      if (path !== '/graphql') context.operation = `${request.method} ${path}`;
    }
    await this.rateLimiter.consume(identity.kind === 'anonymous' ? `ip:${request.ip}` : `${identity.kind}:${identity.name}`);
  }
}
