import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationMiddleware } from './authentication.middleware';
import { Authenticator } from './authenticator';
import { ClientRateLimiter } from './client-rate-limiter';
import { ScopesGuard } from './scopes.guard';

/** Client authentication, scopes (a global guard, deny by default) and per-client rate limits. */
@Global()
@Module({
  providers: [Authenticator, ClientRateLimiter, AuthenticationMiddleware, { provide: APP_GUARD, useClass: ScopesGuard }],
  exports: [Authenticator, AuthenticationMiddleware],
})
export class AuthModule {}
