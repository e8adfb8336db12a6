import axios, { AxiosInstance, AxiosResponse, isAxiosError } from 'axios';
import { RequestOf, ResponseOf, ZENLAYER_ACTIONS, ZenlayerActionName } from './actions';
import { HEADER, ZC2_ALGORITHM, ZC2_CONTENT_TYPE } from './constants';
import { keepAliveAdapter, keepAliveAgents } from './keep-alive-adapter';
import type { CredentialsProvider } from './credentials';
import { authorizationHeader } from './signer';
import { SYNTHETIC_CODES, ZenlayerError, ZenlayerFailureKind } from './zenlayer.error';

/** The largest answer read from Zenlayer: far above any real one (a page of 1000 images is about 1 MB). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface ZenlayerClientOptions {
  /** Origin of the API, e.g. `https://console.zenlayer.com`. */
  baseUrl: string;
  /** Deadline of one attempt, from sending to the last byte of the answer. */
  timeoutMs: number;
  credentials: CredentialsProvider;
  /** Unix time in seconds; injected so tests can pin the signature's timestamp. */
  clock?: () => number;
  /** Connections kept to Zenlayer; default 64. */
  maxSockets?: number;
  /** The largest answer read, in bytes; default {@link MAX_ANSWER_BYTES}. */
  maxAnswerBytes?: number;
}

/** A successful call: Zenlayer's request id and the unwrapped `response`. */
export interface ZenlayerResult<T> {
  requestId: string;
  response: T;
}

export interface CallOptions {
  /** Abandons the call, e.g. when the client that asked has gone. */
  signal?: AbortSignal;
}

/** Connection errors after which the request certainly did not reach Zenlayer. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Signs and sends calls to Zenlayer Cloud API v2. Every failure, whatever its shape, comes out
 * as one {@link ZenlayerError}.
 */
export class ZenlayerClient {
  private readonly http: AxiosInstance;
  private readonly host: string;
  private readonly clock: () => number;

  constructor(private readonly options: ZenlayerClientOptions) {
    const base = new URL(options.baseUrl);
    // URL.host omits the scheme's default port and keeps any other: exactly the Host header sent.
    this.host = base.host;
    this.clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    const agents = keepAliveAgents({ maxSockets: options.maxSockets ?? 64, keepAliveMsecs: 60_000 });
    this.http = axios.create({
      baseURL: base.origin,
      adapter: keepAliveAdapter(base.origin, agents),
      // The body is sent as the bytes signed, and parsed here, not by axios, so that a
      // malformed answer is a typed error.
      responseType: 'text',
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // Whatever answers in Zenlayer's place cannot make the gateway buffer without bound.
      maxContentLength: options.maxAnswerBytes ?? MAX_ANSWER_BYTES,
      maxRedirects: 0,
      proxy: false,
    });
  }

  /** Calls one action and returns its unwrapped response. */
  async call<A extends ZenlayerActionName>(
    action: A,
    request: RequestOf<A>,
    options: CallOptions = {},
  ): Promise<ZenlayerResult<ResponseOf<A>>> {
    const { endpoint } = ZENLAYER_ACTIONS[action];
    // Signed last, over the exact bytes sent; a retry calls this again and so signs afresh.
    const body = Buffer.from(JSON.stringify(request), 'utf8');
    const timestamp = String(this.clock());
    const authorization = authorizationHeader(this.options.credentials(), { host: this.host, timestamp, body });
    // One controller for this attempt: aborted by its own timeout or by the caller's signal.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onCallerAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (options.signal?.aborted) controller.abort();

    let answer: AxiosResponse<string>;
    try {
      // request() rather than post(): post() merges its arguments into a config first, and axios
      // merges configs key by key on every call.
      answer = await this.http.request<string>({
        method: 'post',
        url: endpoint.path,
        data: body,
        signal: controller.signal,
        headers: {
          [HEADER.contentType]: ZC2_CONTENT_TYPE,
          [HEADER.host]: this.host,
          [HEADER.service]: endpoint.service,
          [HEADER.version]: endpoint.version,
          [HEADER.action]: action,
          [HEADER.timestamp]: timestamp,
          [HEADER.signatureMethod]: ZC2_ALGORITHM,
          [HEADER.authorization]: authorization,
        },
      });
    } catch (error) {
      throw transportError(action, error, timedOut);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
    return parseAnswer(action, answer);
  }
}

function transportError(action: ZenlayerActionName, error: unknown, timedOut: boolean): ZenlayerError {
  const code = isAxiosError(error) ? error.code : undefined;
  if (timedOut) {
    return failure(action, 'timeout', 'Zenlayer did not answer in time', { sent: true });
  }
  if (code === 'ERR_BAD_RESPONSE') {
    // The adapter's one bad response: an answer over maxContentLength.
    return failure(action, 'bad-response', 'Zenlayer sent an answer larger than the gateway reads', { sent: true });
  }
  if (code === 'ERR_CANCELED') {
    return failure(action, 'network', 'The call to Zenlayer was abandoned', { sent: true });
  }
  const sent = !(code && NOT_SENT_CODES.has(code));
  return failure(action, 'network', `Connection to Zenlayer failed${code ? ` (${code})` : ''}`, { sent });
}

function parseAnswer<A extends ZenlayerActionName>(
  action: A,
  answer: AxiosResponse<string>,
): ZenlayerResult<ResponseOf<A>> {
  const status = answer.status;
  if (status === 403 && String(answer.headers['cf-mitigated'] ?? '').toLowerCase() === 'challenge') {
    return fail(action, 'challenge', 'Zenlayer answered with an edge security challenge', status);
  }
  if (status === 451) {
    return fail(action, 'blocked', 'Zenlayer blocked the request by security policy', status);
  }
  const body = parseJsonObject(answer.data);
  if (!body) {
    return fail(action, 'bad-response', `Zenlayer answered HTTP ${status} with a body that is not its JSON envelope`, status);
  }
  const requestId = typeof body.requestId === 'string' ? body.requestId : undefined;
  if (status === 200) {
    const response = body.response;
    if (typeof response !== 'object' || response === null || Array.isArray(response)) {
      return fail(action, 'bad-response', 'Zenlayer answered HTTP 200 without a `response` object', status, requestId);
    }
    const { requestId: innerId, ...fields } = response as Record<string, unknown>;
    const id = requestId ?? (typeof innerId === 'string' ? innerId : '');
    return { requestId: id, response: fields as ResponseOf<A> };
  }
  if (typeof body.code !== 'string' || body.code === '') {
    return fail(action, 'bad-response', `Zenlayer answered HTTP ${status} without an error code`, status, requestId);
  }
  const message = typeof body.message === 'string' ? body.message : body.code;
  throw new ZenlayerError({ action, kind: 'api', code: body.code, message, httpStatus: status, requestId, sent: true });
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function failure(
  action: ZenlayerActionName,
  kind: Exclude<ZenlayerFailureKind, 'api'>,
  message: string,
  extra: { sent: boolean; httpStatus?: number; requestId?: string },
): ZenlayerError {
  return new ZenlayerError({ action, kind, code: SYNTHETIC_CODES[kind], message, ...extra });
}

function fail(
  action: ZenlayerActionName,
  kind: Exclude<ZenlayerFailureKind, 'api'>,
  message: string,
  httpStatus: number,
  requestId?: string,
): never {
  throw failure(action, kind, message, { sent: true, httpStatus, requestId });
}
