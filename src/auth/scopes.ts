import { SetMetadata } from '@nestjs/common';

export const SCOPE = { read: 'images:read', write: 'images:write', instancesRead: 'instances:read' } as const;
export type Scope = (typeof SCOPE)[keyof typeof SCOPE];
export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPE);

export const SCOPES_KEY = 'gateway:scopes';
export const PUBLIC_KEY = 'gateway:public';

/** The scopes a resolver or route needs. Every one must declare them: there is no default. */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

/** A route anyone may call (health checks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
