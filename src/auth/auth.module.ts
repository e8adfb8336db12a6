import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthenticationHook } from './authentication.hook';
import { Authenticator } from './authenticator';
import { ClientRateLimiter } from './client-rate-limiter';
import { ScopesGuard } from './scopes.guard';

/** Client authentication, scopes (a global guard, deny by default), per-client rate limits and failed-authentication throttling. */
@Global()
@Module({
  providers: [Authenticator, ClientRateLimiter, AuthFailureLimiter, AuthenticationHook, { provide: APP_GUARD, useClass: ScopesGuard }],
  exports: [Authenticator, ClientRateLimiter, AuthFailureLimiter, AuthenticationHook],
})
export class AuthModule {}
