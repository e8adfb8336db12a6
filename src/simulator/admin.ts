/**
 * The unsigned, test-only control surface under `/_simulator/`, so a separate process (an
 * end-to-end suite, a benchmark, docker-compose) can drive the simulator. Never expose a
 * simulator beyond a test network: these routes need no credentials.
 *
 *   GET    /_simulator/health          200 {status: "ok"}
 *   POST   /_simulator/faults          {action, fault, times?}  queue a fault (204), e.g.
 *                                       fault {kind: "delayed-write", ms: 5000}
 *   DELETE /_simulator/faults          drop every queued fault (204)
 *   GET    /_simulator/calls           200 {calls: SimulatorCall[]}
 *   DELETE /_simulator/calls           forget recorded calls (204)
 *   POST   /_simulator/reset           state back to the seed, faults and calls cleared (204)
 *   POST   /_simulator/instance-status {instanceId, status: "RUNNING"|"STOPPED"|"STOPPING"|"BOOTING"} (204)
 *   POST   /_simulator/system-disk     {instanceId, available: boolean} (204)
 *   POST   /_simulator/quota           {zoneId, maxCount} (204)
 *   POST   /_simulator/image-status    {imageId, status: "CREATING"|"AVAILABLE"|"UNAVAILABLE"} (204)
 */
import type { SimulatorFault } from './faults';
import { IMAGE_STATUSES, ImageStatus, INSTANCE_STATUSES, InstanceStatus } from './state';

/** The URL prefix of the control surface. */
export const ADMIN_PREFIX = '/_simulator/';

/** What the control surface drives (the simulator itself). */
export interface AdminTarget {
  injectFault(action: string, fault: SimulatorFault, times?: number): void;
  clearFaults(): void;
  readonly calls: readonly unknown[];
  resetCalls(): void;
  reset(): void;
  setInstanceStatus(instanceId: string, status: InstanceStatus): void;
  setSystemDiskAvailable(instanceId: string, available: boolean): void;
  setQuota(zoneId: string, maxCount: number): void;
  setImageStatus(imageId: string, status: ImageStatus): void;
}

/** An admin answer: a status and an optional JSON payload. */
export interface AdminResult {
  readonly status: number;
  readonly payload?: object;
}

type Route = (target: AdminTarget, body: Record<string, unknown>) => AdminResult;

const NO_CONTENT: AdminResult = { status: 204 };

const ROUTES: Readonly<Record<string, Route>> = {
  'GET health': () => ({ status: 200, payload: { status: 'ok' } }),
  'POST faults': (target, body) => {
    target.injectFault(text(body, 'action'), body.fault as SimulatorFault, body.times === undefined ? undefined : (body.times as number));
    return NO_CONTENT;
  },
  'DELETE faults': (target) => (target.clearFaults(), NO_CONTENT),
  'GET calls': (target) => ({ status: 200, payload: { calls: target.calls } }),
  'DELETE calls': (target) => (target.resetCalls(), NO_CONTENT),
  'POST reset': (target) => (target.reset(), NO_CONTENT),
  'POST instance-status': (target, body) => {
    const status = text(body, 'status');
    if (!(INSTANCE_STATUSES as readonly string[]).includes(status)) throw new TypeError(`status must be one of ${INSTANCE_STATUSES.join(', ')}`);
    target.setInstanceStatus(text(body, 'instanceId'), status as InstanceStatus);
    return NO_CONTENT;
  },
  'POST system-disk': (target, body) => {
    if (typeof body.available !== 'boolean') throw new TypeError('available must be true or false');
    target.setSystemDiskAvailable(text(body, 'instanceId'), body.available);
    return NO_CONTENT;
  },
  'POST quota': (target, body) => (target.setQuota(text(body, 'zoneId'), body.maxCount as number), NO_CONTENT),
  'POST image-status': (target, body) => {
    const status = text(body, 'status');
    if (!(IMAGE_STATUSES as readonly string[]).includes(status)) throw new TypeError(`status must be one of ${IMAGE_STATUSES.join(', ')}`);
    target.setImageStatus(text(body, 'imageId'), status as ImageStatus);
    return NO_CONTENT;
  },
};

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function parseBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  const parsed: unknown = JSON.parse(raw.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

const failure = (status: number, code: string, message: string): AdminResult => ({ status, payload: { code, message } });

/**
 * Serves one control request. Bad input (including the target's own validation errors) is a
 * 400 naming the problem; an unknown route is a 404.
 */
export function handleAdminRequest(target: AdminTarget, method: string, path: string, raw: Buffer): AdminResult {
  const route = ROUTES[`${method} ${path.slice(ADMIN_PREFIX.length)}`];
  if (route === undefined) return failure(404, 'OPERATION_FAILED_RESOURCE_NOT_FOUND', `No simulator control route ${method} ${path}`);
  try {
    return route(target, parseBody(raw));
  } catch (error) {
    return failure(400, 'INVALID_PARAMETER_VALUE', error instanceof Error ? error.message : String(error));
  }
}
