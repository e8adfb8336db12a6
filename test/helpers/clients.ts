import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * Test clients: a read-only key, read-write keys, a key configured only as its SHA-256, and the
 * create-image screen's key, which may also read instances.
 */
export const KEYS = {
  reader: 'reader-key-7f3a9c1e5b2d4a6f8e0c91b4',
  writer: 'writer-key-1d4b7e0a3c6f9b2e5a8d37c0',
  otherWriter: 'other-writer-key-6c2a9f4e1b7d3a8c5e02',
  hashed: 'hashed-key-9e8d7c6b5a4f3e2d1c0b8a61',
  picker: 'picker-key-4b8e2f6a0c3d7e1b5f9a2d73',
};
export const JWT_SECRET = 'jwt-secret-for-tests-0123456789abcdef-0123456789';
export const JWT_ISSUER = 'https://id.example.com';
export const JWT_AUDIENCE = 'zenlayer-gateway';

export const API_KEYS_ENV = JSON.stringify([
  { name: 'frontend-reader', key: KEYS.reader, scopes: ['images:read'] },
  { name: 'ops-writer', key: KEYS.writer, scopes: ['images:read', 'images:write'] },
  { name: 'batch-writer', key: KEYS.otherWriter, scopes: ['images:read', 'images:write'] },
  { name: 'hashed-service', keySha256: createHash('sha256').update(KEYS.hashed).digest('hex'), scopes: ['images:read'] },
  { name: 'create-image-screen', key: KEYS.picker, scopes: ['images:read', 'instances:read'] },
]);

/** A gateway's client authentication for these clients: the keys above and tokens from {@link hsToken}. */
export const CLIENT_AUTH_ENV = { GATEWAY_API_KEYS: API_KEYS_ENV, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE };

export interface TokenOptions {
  sub?: string;
  scope?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
  notBefore?: string | number;
  secret?: string;
}

/** An HS256 token as the frontends' identity provider would issue it. */
export function hsToken(options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ scope: options.scope ?? 'images:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? 'user-42')
    .setIssuedAt()
    .setIssuer(options.issuer ?? JWT_ISSUER)
    .setAudience(options.audience ?? JWT_AUDIENCE)
    .setExpirationTime(options.expiresIn ?? '5m');
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}
