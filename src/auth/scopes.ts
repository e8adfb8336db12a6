import { SetMetadata } from '@nestjs/common';
import { KNOWN_SCOPES } from '../config';

/** A scope a client may hold: the list GATEWAY_API_KEYS is checked against. */
export type Scope = (typeof KNOWN_SCOPES)[number];
export const SCOPE = { read: 'images:read', write: 'images:write', instancesRead: 'instances:read' } as const satisfies Record<string, Scope>;
export const ALL_SCOPES: readonly Scope[] = KNOWN_SCOPES;

export const SCOPES_KEY = 'gateway:scopes';
export const PUBLIC_KEY = 'gateway:public';

/** The scopes a resolver or route needs. Every one must declare them: there is no default. */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

/** A route anyone may call (health checks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
