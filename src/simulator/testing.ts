/**
 * Test helpers: raw HTTP against a simulator with full control over bytes and headers (the
 * Host header included, which fetch does not allow), signed with the simulator's own signer.
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { SIMULATOR_DEFAULT_CREDENTIALS } from './simulator';
import { buildZc2Authorization } from './signature';

/** A response as the test sees it. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  // `any` on purpose: specs index freely into the JSON they assert on.
  readonly body: any;
}

/** One raw request. */
export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: Buffer | string;
  /** Give up (destroy the request, rejecting with a timeout) when no answer came within this many ms. */
  readonly timeoutMs?: number;
}

/** Sends one request on a fresh connection (no keep-alive, so nothing outlives the test). */
export function rawRequest(baseUrl: string, options: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(options.path ?? '/api/v2/vm', baseUrl);
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: tryParse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs !== undefined) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`client timeout after ${options.timeoutMs} ms`)));
    req.end(options.body);
  });
}

/** Overrides for {@link callSimulator}; `undefined` header values drop that header. */
export interface CallOptions {
  readonly accessKeyId?: string;
  readonly accessKeyPassword?: string;
  /** Unix seconds; default now. */
  readonly timestamp?: string;
  /** The Host to sign and send; default the URL's host. */
  readonly host?: string;
  /** Sign this host but send `host` (to test host mismatches). */
  readonly signedHost?: string;
  /** Sign these bytes instead of the body sent (to test tampering). */
  readonly signedBody?: string;
  /** Send this exact body instead of `JSON.stringify(params)`. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string | undefined>;
  /** Give up after this many ms without an answer, as a client with a per-attempt timeout does. */
  readonly timeoutMs?: number;
}

/** Calls one action the way the official SDKs do: JSON body, ZC2 headers, fresh signature. */
export function callSimulator(baseUrl: string, action: string, params: unknown = {}, options: CallOptions = {}): Promise<RawResponse> {
  const body = options.rawBody ?? JSON.stringify(params);
  const host = options.host ?? new URL(baseUrl).host;
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const authorization = buildZc2Authorization({
    accessKeyId: options.accessKeyId ?? SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId,
    accessKeyPassword: options.accessKeyPassword ?? SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword,
    host: options.signedHost ?? host,
    timestamp,
    body: options.signedBody ?? body,
  });
  const headers = {
    'content-type': 'application/json',
    host,
    'x-zc-action': action,
    'x-zc-service': 'vm',
    'x-zc-version': '2023-03-13',
    'x-zc-timestamp': timestamp,
    'x-zc-signature-method': 'ZC2-HMAC-SHA256',
    authorization,
    ...options.headers,
  };
  return rawRequest(baseUrl, { headers, body, timeoutMs: options.timeoutMs });
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
