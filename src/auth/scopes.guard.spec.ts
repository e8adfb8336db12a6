import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GatewayError } from '../common/errors';
import type { Identity } from './identity';
import { Public, Scopes, SCOPE } from './scopes';
import { ScopesGuard } from './scopes.guard';

class Routes {
  @Scopes(SCOPE.write)
  write() {}

  @Public()
  health() {}

  undeclared() {}
}

const contextFor = (handler: keyof Routes, identity?: Identity) =>
  ({
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ identity }) }),
  }) as unknown as ExecutionContext;

const reader: Identity = { kind: 'api-key', id: 'key:reader', name: 'reader', scopes: new Set([SCOPE.read]) };
const writer: Identity = { kind: 'api-key', id: 'key:writer', name: 'writer', scopes: new Set([SCOPE.read, SCOPE.write]) };

describe(ScopesGuard.name, () => {
  const guard = new ScopesGuard(new Reflector());
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as GatewayError).code;
    }
    return 'allowed';
  };

  it('lets a client holding the declared scope in', () => {
    expect(codeOf(() => guard.canActivate(contextFor('write', writer)))).toBe('allowed');
  });

  it('refuses a client without the declared scope with FORBIDDEN', () => {
    expect(codeOf(() => guard.canActivate(contextFor('write', reader)))).toBe('FORBIDDEN');
  });

  it('refuses everyone where no scope is declared (deny by default)', () => {
    expect(codeOf(() => guard.canActivate(contextFor('undeclared', writer)))).toBe('FORBIDDEN');
  });

  it('lets anyone reach a public route', () => {
    expect(codeOf(() => guard.canActivate(contextFor('health')))).toBe('allowed');
  });

  it('refuses with UNAUTHENTICATED when no identity was attached', () => {
    expect(codeOf(() => guard.canActivate(contextFor('write')))).toBe('UNAUTHENTICATED');
  });
});
