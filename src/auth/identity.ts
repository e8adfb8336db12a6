import type { Scope } from './scopes';

/** Who is calling: a named API key, a JWT subject, or anyone (no authentication configured). */
export interface Identity {
  kind: 'api-key' | 'jwt' | 'anonymous';
  /**
   * The key of everything kept per client (idempotency keys, rate limits, WebSocket limits) and
   * the audit log's `client`: namespaced by kind, so that no API key name and no JWT subject can
   * ever stand for one another. `key:<name>`, `jwt:<issuer>#<sub>` or `anonymous`. Safe to log.
   */
  id: string;
  /** The API key's name or the JWT's subject, for messages; never a key of state (see {@link id}). */
  name: string;
  scopes: ReadonlySet<Scope | string>;
}

/** The id of an API key client. */
export const apiKeyIdentityId = (name: string): string => `key:${name}`;

/**
 * The id of a JWT subject. `%` and `#` in the issuer are escaped, so the first `#` always ends
 * it and two different issuer/subject pairs never give the same id.
 */
export const jwtIdentityId = (issuer: string | undefined, subject: string): string =>
  `jwt:${(issuer ?? '').replace(/%/g, '%25').replace(/#/g, '%23')}#${subject}`;

/** The id shared by every caller when no client authentication is configured. */
export const ANONYMOUS_ID = 'anonymous';
