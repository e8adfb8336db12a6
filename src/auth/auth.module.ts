import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationHook } from './authentication.hook';
import { Authenticator } from './authenticator';
import { ClientRateLimiter } from './client-rate-limiter';
import { ScopesGuard } from './scopes.guard';

/** Client authentication, scopes (a global guard, deny by default) and per-client rate limits. */
@Global()
@Module({
  providers: [Authenticator, ClientRateLimiter, AuthenticationHook, { provide: APP_GUARD, useClass: ScopesGuard }],
  exports: [Authenticator, AuthenticationHook],
})
export class AuthModule {}
