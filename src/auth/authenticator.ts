import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../common/errors';
import { ApiKeyClient, GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ANONYMOUS_ID, apiKeyIdentityId, Identity, jwtIdentityId } from './identity';
import { ALL_SCOPES } from './scopes';

/** The credential headers of a request (HTTP headers or graphql-ws `connection_init` payload). */
export interface CredentialHeaders {
  authorization?: string | string[];
  'x-api-key'?: string | string[];
}

/**
 * The credentials a graphql-ws client sent in `connection_init`: `authorization` or
 * `x-api-key` (any case), at the top level or under `headers`.
 */
export function credentialHeaders(params: Record<string, unknown> | undefined): CredentialHeaders {
  const flat: Record<string, unknown> = { ...(params ?? {}), ...((params?.headers as Record<string, unknown> | undefined) ?? {}) };
  const find = (name: string) => {
    const entry = Object.entries(flat).find(([key, value]) => key.toLowerCase() === name && typeof value === 'string');
    return entry?.[1] as string | undefined;
  };
  return { authorization: find('authorization'), 'x-api-key': find('x-api-key') };
}

/** Not blank, no control characters, at most 255 characters (OpenID Connect's bound). */
const USABLE_SUBJECT = /^(?=.*\S)[^\u0000-\u001f\u007f]{1,255}$/s;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const unauthenticated = (message: string) => new GatewayError('UNAUTHENTICATED', message);

/**
 * Tells who sent a request from its `x-api-key` or `Authorization: Bearer` header. The same
 * rules serve GraphQL, REST and subscriptions.
 */
@Injectable()
export class Authenticator {
  private readonly apiKeys: ApiKeyClient[];
  private readonly jwtKey?: Uint8Array | JWTVerifyGetKey;
  private readonly jwtAlgorithms: string[];

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.apiKeys = config.auth.apiKeys;
    const jwt = config.auth.jwt;
    if (jwt?.secret) {
      this.jwtKey = new TextEncoder().encode(jwt.secret);
      this.jwtAlgorithms = ['HS256'];
    } else if (jwt?.jwksUri) {
      // jose caches the key set and fetches it again when a token names an unknown key id.
      this.jwtKey = createRemoteJWKSet(new URL(jwt.jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.jwtAlgorithms = ['RS256', 'ES256'];
    } else {
      this.jwtAlgorithms = [];
    }
  }

  /** Whether any client authentication is configured; without it every request is let in. */
  get enabled(): boolean {
    return this.apiKeys.length > 0 || this.jwtKey !== undefined;
  }

  /** @throws GatewayError UNAUTHENTICATED when credentials are missing or wrong. */
  async authenticate(headers: CredentialHeaders): Promise<Identity> {
    if (!this.enabled) return { kind: 'anonymous', id: ANONYMOUS_ID, name: 'anonymous', scopes: new Set(ALL_SCOPES) };

    const apiKey = single(headers['x-api-key']);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(single(headers.authorization) ?? '')?.[1];
    if (apiKey !== undefined) return this.byApiKey(apiKey);
    if (bearer === undefined) {
      throw unauthenticated('Authentication required: send an API key as x-api-key or a token as Authorization: Bearer');
    }
    if (this.jwtKey && JWT_SHAPE.test(bearer)) return this.byJwt(bearer);
    return this.byApiKey(bearer);
  }

  private byApiKey(presented: string): Identity {
    const digest = createHash('sha256').update(presented).digest();
    // Every key is compared, in constant time, so timing tells nothing about which one matched.
    let match: ApiKeyClient | undefined;
    for (const client of this.apiKeys) {
      if (timingSafeEqual(digest, client.keySha256) && !match) match = client;
    }
    if (!match) throw unauthenticated('Invalid API key');
    return { kind: 'api-key', id: apiKeyIdentityId(match.name), name: match.name, scopes: new Set(match.scopes) };
  }

  private async byJwt(token: string): Promise<Identity> {
    const jwt = this.config.auth.jwt!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwtKey as Uint8Array, {
        algorithms: this.jwtAlgorithms,
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
      }));
    } catch (error) {
      throw unauthenticated(`Invalid token: ${describeJwtError(error)}`);
    }
    // jose only checks that `sub` is present: "" or a non-string would make every such token
    // one anonymous user, sharing idempotency keys and rate limits.
    const subject = payload.sub as unknown;
    if (typeof subject !== 'string' || !USABLE_SUBJECT.test(subject)) {
      throw unauthenticated('Invalid token: claim "sub" must be a non-empty string of at most 255 characters naming the user');
    }
    return { kind: 'jwt', id: jwtIdentityId(payload.iss, subject), name: subject, scopes: new Set(scopesOf(payload)) };
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') return scope.split(/\s+/).filter(Boolean);
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  return [];
}

/** What was wrong with a token, without echoing any part of it. */
function describeJwtError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim "${error.claim}" is not acceptable (${error.reason})`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its algorithm is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the issuer matches it';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) return error.code;
  return 'it could not be verified';
}
