import type { Scope } from './scopes';

/** Who is calling: a named API key, a JWT subject, or anyone (no authentication configured). */
export interface Identity {
  kind: 'api-key' | 'jwt' | 'anonymous';
  /** The API key's name or the JWT's subject: safe to log, used for rate limits and the audit log. */
  name: string;
  scopes: ReadonlySet<Scope | string>;
}
