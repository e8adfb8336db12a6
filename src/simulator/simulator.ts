/**
 * The HTTP face of the simulator: `POST /api/v2/vm` with Zenlayer's headers, signature checks,
 * envelopes and faults, plus the test-only control routes under `/_simulator/`.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ACTIONS, isKnownAction } from './actions';
import { ADMIN_PREFIX, handleAdminRequest } from './admin';
import { badRequest, ERROR_CODE_STYLES, ErrorCodeStyle, isErrorCodeStyle, notFound, SimulatorError, styleErrorCode, ZC_ERROR } from './errors';
import { FaultQueue, SimulatorFault } from './faults';
import {
  CHALLENGE_PAGE,
  errorPayload,
  newRequestId,
  proxyErrorPage,
  sendError,
  sendJson,
  sendText,
  successPayload,
  truncatedJson,
} from './responses';
import { verifyZc2Request, ZC2_ALGORITHM, ZC2_CONTENT_TYPE, Zc2Credentials } from './signature';
import { ImageStatus, InstanceRecord, InstanceStatus, SimulatorState } from './state';

/** The development key pair the simulator accepts unless told otherwise. Not a secret. */
export const SIMULATOR_DEFAULT_CREDENTIALS = Object.freeze({ accessKeyId: 'sim-key-id', accessKeyPassword: 'sim-key-password' });

/** Construction options of {@link ZenlayerSimulator}. */
export interface SimulatorOptions {
  /** Accepted access key id; default `sim-key-id`. */
  accessKeyId?: string;
  /** Its password; default `sim-key-password`. */
  accessKeyPassword?: string;
  /** How long a new image stays CREATING before it turns AVAILABLE; default 15000. */
  imageReadyDelayMs?: number;
  /** Largest accepted distance between `x-zc-timestamp` and the clock, either way; default 300. */
  maxClockSkewSeconds?: number;
  /** Milliseconds clock used for timestamps checks and call records; default `Date.now`. */
  now?: () => number;
  /**
   * How the simulator spells the error codes it answers: `documented` (default,
   * `INVALID_IMAGE_NOT_FOUND`) or `dotted` (the Go SDK's `Invalid.Image.Not.Found`). Codes
   * without a dotted form, and the codes of injected `error` faults, are answered as they are.
   */
  errorCodeStyle?: ErrorCodeStyle;
}

/**
 * One signed-and-verified call that reached action handling, faulted or not. `status` is what
 * the client received, or 0 when a `reset` fault dropped the connection instead; for a
 * `delayed-write` fault it is the outcome of the action applied after the delay, recorded then,
 * whether or not the client was still there to receive it.
 */
export interface SimulatorCall {
  action: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  status: number;
  /** The Zenlayer error code answered, if any. */
  code?: string;
  requestId?: string;
  /** When the request arrived, by the simulator's clock. */
  at: number;
  /** The kind of injected fault that served this call, if any. */
  fault?: SimulatorFault['kind'];
}

const API_PATH = '/api/v2/vm';
const SERVICE = 'vm';
const VERSION = '2023-03-13';
const MAX_BODY_BYTES = 1024 * 1024;

interface ResolvedOptions {
  readonly credentials: Zc2Credentials;
  readonly imageReadyDelayMs: number;
  readonly maxClockSkewSeconds: number;
  readonly now: () => number;
  readonly errorCodeStyle: ErrorCodeStyle;
}

/** A fault that holds the call, then carries it out. */
type DelayFault = Extract<SimulatorFault, { kind: 'latency' | 'delayed-write' }>;

/** A held call: how to release it, and whether it is a write that `reset()` must cancel too. */
interface PendingDelay {
  readonly settle: (completed: boolean) => void;
  readonly write: boolean;
}

/** One verified call on its way through the simulator. */
interface CallContext {
  readonly action: string;
  readonly raw: Buffer;
  readonly requestId: string;
  readonly at: number;
}

/** The outcome of running an action: what to answer and what to record. */
interface Outcome {
  readonly status: number;
  readonly payload: object;
  readonly code?: string;
}

/**
 * A stateful stand-in for Zenlayer Cloud API v2, service `vm`, version `2023-03-13`.
 *
 * ```ts
 * const sim = new ZenlayerSimulator({ imageReadyDelayMs: 50 });
 * const baseUrl = await sim.listen();
 * sim.injectFault('CreateImage', { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' });
 * // ... point the gateway at baseUrl with SIMULATOR_DEFAULT_CREDENTIALS ...
 * await sim.close();
 * ```
 */
export class ZenlayerSimulator {
  private readonly options: ResolvedOptions;
  private state: SimulatorState;
  private readonly faults = new FaultQueue();
  private callLog: SimulatorCall[] = [];
  private credentials = new Map<string, string>();
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly delays = new Map<NodeJS.Timeout, PendingDelay>();

  constructor(options: SimulatorOptions = {}) {
    this.options = resolveOptions(options);
    this.state = this.freshState();
    this.setCredentials([this.options.credentials]);
  }

  /** Starts listening (default: an ephemeral port on 127.0.0.1) and resolves the base URL. */
  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server !== undefined) return Promise.reject(new Error('The simulator is already listening'));
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('connection', (socket) => this.track(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.server = undefined;
        reject(error);
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        this.baseUrl = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`;
        resolve(this.baseUrl);
      });
    });
  }

  /** The base URL, e.g. `http://127.0.0.1:41234`. Throws before `listen()` and after `close()`. */
  get url(): string {
    if (this.baseUrl === undefined) throw new Error('The simulator is not listening');
    return this.baseUrl;
  }

  /** Stops at once: closes the server, destroys every open socket and cancels pending timers. */
  async close(): Promise<void> {
    this.state.dispose();
    this.cancelDelays();
    const server = this.server;
    this.server = undefined;
    this.baseUrl = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /**
   * Serves `fault` to the next `times` (default 1, `Infinity` allowed) calls of `action`, or of
   * any action with `'*'`. Faults for the call's own action are used before `'*'` ones.
   */
  injectFault(action: string, fault: SimulatorFault, times?: number): void {
    this.faults.add(action, fault, times);
  }

  /** Drops every queued fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Every signed-and-verified call that reached action handling, oldest first (a copy). */
  get calls(): readonly SimulatorCall[] {
    return [...this.callLog];
  }

  /** How many calls were recorded, of `action` or of all actions. */
  callCount(action?: string): number {
    return action === undefined ? this.callLog.length : this.callLog.filter((call) => call.action === action).length;
  }

  /** Forgets the recorded calls. */
  resetCalls(): void {
    this.callLog = [];
  }

  /**
   * Back to the seed world and the configured key pair, with no faults and no recorded calls.
   * Pending `delayed-write` calls are dropped unapplied, so they cannot land in the new world.
   */
  reset(): void {
    this.cancelDelays(true);
    this.state.dispose();
    this.state = this.freshState();
    this.setCredentials([this.options.credentials]);
    this.clearFaults();
    this.resetCalls();
  }

  /** Every instance as the simulator holds it now (copies, listing order), to compare answers with. */
  get instances(): readonly InstanceRecord[] {
    return this.state.instanceRecords();
  }

  /** Sets a seeded instance's state (RUNNING, STOPPED, STOPPING or BOOTING). */
  setInstanceStatus(instanceId: string, status: InstanceStatus): void {
    this.state.setInstanceStatus(instanceId, status);
  }

  /**
   * Adds an instance like the seeded ones (STOPPED unless told otherwise), made from the public
   * Ubuntu image or from `imageId` (a public image, or a custom image of `zoneId`), which it then
   * names; `reset()` removes it.
   */
  addInstance(instanceId: string, zoneId: string, status?: InstanceStatus, imageId?: string): void {
    this.state.addInstance(instanceId, zoneId, status, imageId);
  }

  /**
   * Marks a seeded instance's system disk unavailable (or available again): DescribeInstances
   * then omits its `systemDisk`, and CreateImage refuses with UNSUPPORTED_OPERATION_DISK_UNAVAILABLE.
   */
  setSystemDiskAvailable(instanceId: string, available: boolean): void {
    this.state.setSystemDiskAvailable(instanceId, available);
  }

  /** Changes a zone's custom image quota (`maxCount`). */
  setQuota(zoneId: string, maxCount: number): void {
    this.state.setQuota(zoneId, maxCount);
  }

  /** Forces an image's status, e.g. UNAVAILABLE for a failed build. */
  setImageStatus(imageId: string, status: ImageStatus): void {
    this.state.setImageStatus(imageId, status);
  }

  /** Replaces the accepted key pairs (e.g. to model a key rotation); `reset()` restores the configured one. */
  setCredentials(credentials: readonly Zc2Credentials[]): void {
    if (credentials.length === 0) throw new RangeError('At least one key pair is required');
    this.credentials = new Map(credentials.map((c) => [c.accessKeyId, c.accessKeyPassword]));
  }

  private freshState(): SimulatorState {
    return new SimulatorState({ imageReadyDelayMs: this.options.imageReadyDelayMs });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const at = this.options.now();
    readBody(req)
      .then((raw) => (raw === undefined ? this.rejectTooLarge(res) : this.route(req, res, raw, at)))
      .catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) this.answerError(res, internalError(error));
      });
  }

  private async route(req: IncomingMessage, res: ServerResponse, raw: Buffer, at: number): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith(ADMIN_PREFIX)) {
      const result = handleAdminRequest(this, req.method ?? 'GET', path, raw);
      if (result.payload === undefined) res.writeHead(result.status).end();
      else sendJson(res, result.status, result.payload);
      return;
    }
    if (req.method !== 'POST' || path !== API_PATH) {
      return this.answerError(res, notFound(ZC_ERROR.resourceNotFound, `No route for ${req.method ?? ''} ${path}; the API is POST ${API_PATH}`));
    }
    const rejection = checkContentType(req) ?? this.authenticate(req, raw);
    if (rejection !== undefined) return this.answerError(res, rejection);
    await this.handleCall(req, res, raw, at);
  }

  private authenticate(req: IncomingMessage, raw: Buffer): SimulatorError | undefined {
    if (header(req, 'x-zc-signature-method') !== ZC2_ALGORITHM) {
      return new SimulatorError(401, ZC_ERROR.invalidAuthorization, `x-zc-signature-method must be ${ZC2_ALGORITHM}`);
    }
    const result = verifyZc2Request({
      authorization: header(req, 'authorization'),
      host: header(req, 'host'),
      timestamp: header(req, 'x-zc-timestamp'),
      body: raw,
      lookupPassword: (id) => this.credentials.get(id),
      nowMs: this.options.now(),
      maxClockSkewSeconds: this.options.maxClockSkewSeconds,
    });
    return result.ok ? undefined : new SimulatorError(401, result.code, result.message);
  }

  private async handleCall(req: IncomingMessage, res: ServerResponse, raw: Buffer, at: number): Promise<void> {
    const action = header(req, 'x-zc-action') ?? '';
    const call: CallContext = { action, raw, requestId: newRequestId(), at };
    const headerError = checkCallHeaders(action, req);
    if (headerError !== undefined) {
      const answered = this.styled(headerError);
      this.record(call, answered.status, answered.code);
      return sendError(res, answered, call.requestId);
    }
    const fault = this.faults.take(action);
    if (fault === undefined) return this.answer(call, res);
    if (fault.kind === 'latency' || fault.kind === 'delayed-write') return this.serveDelayed(fault, call, req, res);
    this.serveFault(fault, call, req, res);
  }

  // Both hold the call, then carry it out. What matters for `delayed-write` is that nothing
  // happens before the delay is over, even if the client has given up meanwhile.
  private async serveDelayed(fault: DelayFault, call: CallContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const write = fault.kind === 'delayed-write';
    if (!(await this.delay(fault.ms, write))) {
      // Cancelled by close() (sockets already gone) or, for a write, by reset(): never applied.
      if (write) req.socket.destroy();
      return;
    }
    this.answer(call, res, fault);
  }

  // Carries out the action, records the outcome, and answers if the client is still there.
  private answer(call: CallContext, res: ServerResponse, fault?: DelayFault): void {
    const outcome = this.execute(call);
    this.record(call, outcome.status, outcome.code, fault);
    if (!res.destroyed) sendJson(res, outcome.status, outcome.payload);
  }

  private serveFault(fault: Exclude<SimulatorFault, DelayFault>, call: CallContext, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case 'error':
        this.record(call, fault.status, fault.code, fault);
        return sendJson(res, fault.status, errorPayload(call.requestId, fault.code, fault.message ?? `Injected fault: ${fault.code}`));
      case 'malformed':
        this.record(call, fault.status ?? 200, undefined, fault);
        return sendText(res, fault.status ?? 200, 'application/json', fault.body ?? truncatedJson(call.requestId));
      case 'html':
        this.record(call, fault.status ?? 502, undefined, fault);
        return sendText(res, fault.status ?? 502, 'text/html', proxyErrorPage(fault.status ?? 502));
      case 'empty':
        this.record(call, fault.status ?? 200, undefined, fault);
        return sendText(res, fault.status ?? 200, 'application/json', '');
      case 'challenge':
        this.record(call, 403, undefined, fault);
        return sendText(res, 403, 'text/html; charset=UTF-8', CHALLENGE_PAGE, { 'cf-mitigated': 'challenge' });
      case 'reset': {
        // The ambiguous failure: with afterApply the change happens, but the client never hears of it.
        const applied = fault.afterApply === true ? this.execute(call) : undefined;
        this.record(call, 0, applied?.code, fault);
        req.socket.destroy();
        return;
      }
    }
  }

  private record(call: CallContext, status: number, code?: string, fault?: SimulatorFault): void {
    const { action, requestId, at } = call;
    const entry: SimulatorCall = { action, body: bodyForLog(call.raw), status, requestId, at };
    if (code !== undefined) entry.code = code;
    if (fault !== undefined) entry.fault = fault.kind;
    this.callLog.push(entry);
  }

  private execute({ action, raw, requestId }: CallContext): Outcome {
    try {
      const fields = ACTIONS[action](this.state, parseObject(raw));
      return { status: 200, payload: successPayload(requestId, fields) };
    } catch (error) {
      const failure = this.styled(error instanceof SimulatorError ? error : internalError(error));
      return { status: failure.status, code: failure.code, payload: errorPayload(requestId, failure.code, failure.message) };
    }
  }

  /** `error` with its code in the configured spelling. */
  private styled(error: SimulatorError): SimulatorError {
    const code = styleErrorCode(error.code, this.options.errorCodeStyle);
    return code === error.code ? error : new SimulatorError(error.status, code, error.message);
  }

  private answerError(res: ServerResponse, error: SimulatorError): void {
    sendError(res, this.styled(error));
  }

  private rejectTooLarge(res: ServerResponse): void {
    res.setHeader('connection', 'close');
    this.answerError(res, new SimulatorError(413, ZC_ERROR.parameterExceedLength, `The request body exceeds ${MAX_BODY_BYTES} bytes`));
  }

  // Resolves false when the wait is cancelled, so the caller does not carry the call out.
  private delay(ms: number, write: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve(true);
      }, ms);
      this.delays.set(timer, { settle: resolve, write });
    });
  }

  // Every held call (close), or only the held writes (reset).
  private cancelDelays(writesOnly = false): void {
    for (const [timer, pending] of this.delays) {
      if (writesOnly && !pending.write) continue;
      clearTimeout(timer);
      this.delays.delete(timer);
      pending.settle(false);
    }
  }
}

function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const accessKeyId = options.accessKeyId ?? SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId;
  const accessKeyPassword = options.accessKeyPassword ?? SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword;
  if (accessKeyId === '' || /[\s,=]/.test(accessKeyId)) throw new RangeError('accessKeyId must be non-empty, without spaces, commas or =');
  if (accessKeyPassword === '') throw new RangeError('accessKeyPassword must be non-empty');
  const imageReadyDelayMs = options.imageReadyDelayMs ?? 15_000;
  if (!Number.isFinite(imageReadyDelayMs) || imageReadyDelayMs < 0) throw new RangeError('imageReadyDelayMs must be a non-negative number');
  const maxClockSkewSeconds = options.maxClockSkewSeconds ?? 300;
  if (!Number.isFinite(maxClockSkewSeconds) || maxClockSkewSeconds < 0) throw new RangeError('maxClockSkewSeconds must be a non-negative number');
  const errorCodeStyle = options.errorCodeStyle ?? 'documented';
  if (!isErrorCodeStyle(errorCodeStyle)) throw new RangeError(`errorCodeStyle must be one of ${ERROR_CODE_STYLES.join(', ')}`);
  const now = options.now ?? Date.now;
  return { credentials: { accessKeyId, accessKeyPassword }, imageReadyDelayMs, maxClockSkewSeconds, now, errorCodeStyle };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

// The signature always covers `content-type:application/json`, so any other value (even with a
// charset) could not have been signed the way the SDKs sign.
function checkContentType(req: IncomingMessage): SimulatorError | undefined {
  const contentType = header(req, 'content-type');
  if (contentType === ZC2_CONTENT_TYPE) return undefined;
  return badRequest(ZC_ERROR.parameterValue, `Content-Type must be exactly ${ZC2_CONTENT_TYPE}, got ${contentType ?? 'none'}`);
}

function checkCallHeaders(action: string, req: IncomingMessage): SimulatorError | undefined {
  const service = header(req, 'x-zc-service');
  const version = header(req, 'x-zc-version');
  if (service === undefined) return badRequest(ZC_ERROR.missingParameter, 'x-zc-service header is required');
  if (service !== SERVICE) return badRequest(ZC_ERROR.parameterValue, `x-zc-service must be ${SERVICE}`);
  if (version === undefined) return badRequest(ZC_ERROR.missingParameter, 'x-zc-version header is required');
  if (version !== VERSION) return badRequest(ZC_ERROR.parameterValue, `x-zc-version must be ${VERSION}`);
  if (action === '') return badRequest(ZC_ERROR.missingParameter, 'x-zc-action header is required');
  if (!isKnownAction(action)) return badRequest(ZC_ERROR.invalidAction, `Action ${action} is not supported by the simulator`);
  return undefined;
}

function parseObject(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest(ZC_ERROR.parameterType, 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function bodyForLog(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function internalError(error: unknown): SimulatorError {
  const detail = error instanceof Error ? error.message : String(error);
  return new SimulatorError(500, ZC_ERROR.internalError, `Simulator failure: ${detail}`);
}

// Resolves undefined when the body is over the limit, so the caller answers 413.
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

// A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
