/**
 * The simulator's own ZC2-HMAC-SHA256 implementation. It deliberately shares no code with
 * `src/upstream`: a bug in the gateway's signer must show up as a 401 here, not be mirrored.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The only signature method Zenlayer Cloud API v2 accepts. */
export const ZC2_ALGORITHM = 'ZC2-HMAC-SHA256';
/** The headers every ZC2 signature covers, in canonical order. */
export const ZC2_SIGNED_HEADERS = 'content-type;host';
/** The content type the canonical request always names (the SDKs never send a charset). */
export const ZC2_CONTENT_TYPE = 'application/json';

/** An AccessKey pair as the simulator knows it. */
export interface Zc2Credentials {
  readonly accessKeyId: string;
  readonly accessKeyPassword: string;
}

/** Everything one signature covers. */
export interface Zc2SigningInput {
  readonly accessKeyPassword: string;
  /** The Host header exactly as sent, `:port` included when not the scheme's default. */
  readonly host: string;
  /** Unix seconds, as the decimal string sent in `x-zc-timestamp`. */
  readonly timestamp: string;
  /** The exact body bytes (a string is taken as UTF-8). */
  readonly body: Buffer | string;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * The canonical request. The canonical URI is `/` (not `/api/v2/vm`) and the query is empty
 * because that is what the official SDKs sign.
 */
export function zc2CanonicalRequest(host: string, body: Buffer | string): string {
  const canonicalHeaders = `content-type:${ZC2_CONTENT_TYPE}\nhost:${host}\n`;
  return `POST\n/\n\n${canonicalHeaders}\n${ZC2_SIGNED_HEADERS}\n${sha256Hex(body)}`;
}

/** The string the HMAC is computed over. */
export function zc2StringToSign(timestamp: string, canonicalRequest: string): string {
  return `${ZC2_ALGORITHM}\n${timestamp}\n${sha256Hex(canonicalRequest)}`;
}

/** The lower-case hex ZC2-HMAC-SHA256 signature of one request. */
export function computeZc2Signature(input: Zc2SigningInput): string {
  const toSign = zc2StringToSign(input.timestamp, zc2CanonicalRequest(input.host, input.body));
  return createHmac('sha256', input.accessKeyPassword).update(toSign, 'utf8').digest('hex');
}

/** The `Authorization` header value for one request (used by tests and tools that call the simulator). */
export function buildZc2Authorization(input: Zc2SigningInput & { readonly accessKeyId: string }): string {
  const signature = computeZc2Signature(input);
  return `${ZC2_ALGORITHM} Credential=${input.accessKeyId}, SignedHeaders=${ZC2_SIGNED_HEADERS}, Signature=${signature}`;
}

/** The parts of a well-formed `Authorization` header. */
export interface ParsedZc2Authorization {
  readonly accessKeyId: string;
  readonly signature: string;
}

/** Why a request failed authentication, with the documented Zenlayer code. */
export type Zc2AuthFailureCode =
  | 'AUTHFAILURE_INVALID_AUTHORIZATION'
  | 'AUTHFAILURE_SIGNATURE_FAILURE'
  | 'AUTHFAILURE_SIGNATURE_EXPIRED';

/** Outcome of {@link verifyZc2Request}. */
export type Zc2VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly code: Zc2AuthFailureCode; readonly message: string };

// Exactly the SDKs' layout: single spaces, ", " separators, nothing before or after.
const AUTHORIZATION_PATTERN = /^ZC2-HMAC-SHA256 Credential=([^\s,=]+), SignedHeaders=([^\s,]+), Signature=([^\s,]+)$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;

/**
 * Parses an `Authorization` header strictly: the algorithm, `SignedHeaders=content-type;host`
 * and a 64-character lower-case hex signature are all required. Returns a reason on failure.
 */
export function parseZc2Authorization(header: string | undefined): ParsedZc2Authorization | string {
  if (header === undefined || header === '') return 'Authorization header is required';
  const match = AUTHORIZATION_PATTERN.exec(header);
  if (match === null) {
    return `Authorization must be "${ZC2_ALGORITHM} Credential=<accessKeyId>, SignedHeaders=${ZC2_SIGNED_HEADERS}, Signature=<hex>"`;
  }
  const [, accessKeyId, signedHeaders, signature] = match;
  if (signedHeaders !== ZC2_SIGNED_HEADERS) return `SignedHeaders must be ${ZC2_SIGNED_HEADERS}`;
  if (!SIGNATURE_PATTERN.test(signature)) return 'Signature must be 64 lower-case hex characters';
  return { accessKeyId, signature };
}

/** What the server received, plus how to look up a key and judge the clock. */
export interface Zc2VerifyInput {
  readonly authorization: string | undefined;
  readonly host: string | undefined;
  readonly timestamp: string | undefined;
  readonly body: Buffer | string;
  /** The password for an access key id, or undefined when the id is unknown. */
  readonly lookupPassword: (accessKeyId: string) => string | undefined;
  readonly nowMs: number;
  readonly maxClockSkewSeconds: number;
}

const fail = (code: Zc2AuthFailureCode, message: string): Zc2VerifyResult => ({ ok: false, code, message });

/**
 * Verifies a signed request over the exact body bytes and the Host header as received.
 * Order: header shape, key id, timestamp shape, signature (constant time), then clock skew,
 * so `AUTHFAILURE_SIGNATURE_EXPIRED` is only ever reported for an authentic request.
 */
export function verifyZc2Request(input: Zc2VerifyInput): Zc2VerifyResult {
  const parsed = parseZc2Authorization(input.authorization);
  if (typeof parsed === 'string') return fail('AUTHFAILURE_INVALID_AUTHORIZATION', parsed);
  const password = input.lookupPassword(parsed.accessKeyId);
  if (password === undefined) return fail('AUTHFAILURE_INVALID_AUTHORIZATION', 'The access key id is not known');
  if (input.host === undefined || input.host === '') return fail('AUTHFAILURE_INVALID_AUTHORIZATION', 'Host header is required');
  const timestamp = input.timestamp;
  if (timestamp === undefined || !TIMESTAMP_PATTERN.test(timestamp)) {
    return fail('AUTHFAILURE_INVALID_AUTHORIZATION', 'x-zc-timestamp must be unix seconds');
  }
  const expected = computeZc2Signature({ accessKeyPassword: password, host: input.host, timestamp, body: input.body });
  if (!hexEqual(expected, parsed.signature)) {
    return fail('AUTHFAILURE_SIGNATURE_FAILURE', 'The request signature does not match');
  }
  const skewSeconds = Math.abs(input.nowMs / 1000 - Number(timestamp));
  if (skewSeconds > input.maxClockSkewSeconds) {
    return fail('AUTHFAILURE_SIGNATURE_EXPIRED', `x-zc-timestamp is more than ${input.maxClockSkewSeconds} seconds from the server clock`);
  }
  return { ok: true, accessKeyId: parsed.accessKeyId };
}

function hexEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
