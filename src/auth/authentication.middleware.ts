import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { sendGatewayError } from '../common/error-responses';
import { GatewayError } from '../common/gateway-error';
import { currentRequest } from '../common/request-context';
import { Authenticator } from './authenticator';
import { ClientRateLimiter } from './client-rate-limiter';
import type { AuthenticatedRequest } from './scopes.guard';

/** Paths anyone may reach: health checks for orchestrators, and the API's own documentation (when served). */
const isPublic = (path: string) => path === '/healthz' || path === '/readyz' || path === '/metrics' || path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');

/**
 * Authenticates every request before GraphQL or a route sees it, then counts it against the
 * client's rate limit. A refusal answers 401 or 429 at once, so no resolver ever runs for it.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: ClientRateLimiter,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (isPublic(req.path)) return next();
    this.admit(req as AuthenticatedRequest).then(
      () => next(),
      (error: unknown) => (error instanceof GatewayError ? sendGatewayError(req, res, error) : next(error)),
    );
  }

  private async admit(req: AuthenticatedRequest): Promise<void> {
    const identity = await this.authenticator.authenticate(req.headers);
    req.identity = identity;
    const context = currentRequest();
    if (context) {
      context.client = identity.name;
      if (req.path !== '/graphql') context.operation = `${req.method} ${req.path}`;
    }
    await this.rateLimiter.consume(identity.kind === 'anonymous' ? `ip:${req.ip}` : `${identity.kind}:${identity.name}`);
  }
}
