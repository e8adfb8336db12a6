import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/errors';
import type { Identity } from './identity';
import { PUBLIC_KEY, Scope, SCOPES_KEY } from './scopes';

/** The identity the authentication hook (or the subscription handshake) attached. */
export type AuthenticatedRequest = FastifyRequest & { identity?: Identity };

/**
 * Deny by default: a resolver, field resolver or route runs only when it declares the scopes
 * it needs (or is explicitly public) and the caller holds every one of them.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets);
    if (!required || required.length === 0) {
      throw new GatewayError('FORBIDDEN', 'This field declares no scope, so nobody may use it');
    }
    const identity = identityOf(context);
    if (!identity) throw new GatewayError('UNAUTHENTICATED', 'Authentication required');
    const missing = required.filter((scope) => !identity.scopes.has(scope));
    if (missing.length > 0) {
      throw new GatewayError('FORBIDDEN', `This needs the scope ${missing.join(' and ')}, which client "${identity.name}" does not have`);
    }
    return true;
  }
}

function identityOf(context: ExecutionContext): Identity | undefined {
  if (context.getType<GqlContextType>() === 'graphql') {
    const ctx = GqlExecutionContext.create(context).getContext<{ req?: AuthenticatedRequest; identity?: Identity }>();
    return ctx.identity ?? ctx.req?.identity;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>().identity;
}
