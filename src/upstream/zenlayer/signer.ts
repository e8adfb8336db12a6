import { createHash, createHmac } from 'node:crypto';
import type { ZenlayerCredentials } from '../../config/credentials-file';
import { ZC2_ALGORITHM, ZC2_CONTENT_TYPE, ZC2_SIGNED_HEADERS } from './constants';

/**
 * An AccessKey pair: the id travels in every request, the password only keys the HMAC. Defined
 * with the configuration that reads it; the signer only uses it.
 */
export type { ZenlayerCredentials };

/** What one signature covers: the Host header as sent, the unix-seconds timestamp and the exact body bytes. */
export interface SigningInput {
  readonly host: string;
  readonly timestamp: string;
  readonly body: Buffer | string;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * The canonical request of ZC2-HMAC-SHA256. The canonical URI is `/` and the query is empty
 * although the real path is `/api/v2/vm`: that is what the official SDKs sign, so Zenlayer
 * verifies exactly this string.
 */
export function canonicalRequest({ host, body }: Pick<SigningInput, 'host' | 'body'>): string {
  const canonicalHeaders = `content-type:${ZC2_CONTENT_TYPE}\nhost:${host}\n`;
  return ['POST', '/', '', canonicalHeaders, ZC2_SIGNED_HEADERS, sha256Hex(body)].join('\n');
}

/** The string the HMAC is computed over. */
export function stringToSign(timestamp: string, canonical: string): string {
  return `${ZC2_ALGORITHM}\n${timestamp}\n${sha256Hex(canonical)}`;
}

/** Hex HMAC-SHA256 of the string to sign, keyed with the AccessKey password. */
export function signature(accessKeyPassword: string, toSign: string): string {
  return createHmac('sha256', accessKeyPassword).update(toSign, 'utf8').digest('hex');
}

/** The `Authorization` header value for one request. Pure: same input, same header. */
export function authorizationHeader(credentials: ZenlayerCredentials, input: SigningInput): string {
  const sig = signature(credentials.accessKeyPassword, stringToSign(input.timestamp, canonicalRequest(input)));
  return `${ZC2_ALGORITHM} Credential=${credentials.accessKeyId}, SignedHeaders=${ZC2_SIGNED_HEADERS}, Signature=${sig}`;
}
