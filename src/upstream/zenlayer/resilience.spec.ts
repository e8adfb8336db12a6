import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError, TaskCancelledError } from 'cockatiel';
import { RateLimiterQueueError } from 'rate-limiter-flexible';
import { fromPolicyError } from './error-mapping';
import { ClientSlots, isRetryable, isUnavailable } from './resilience';
import { ZenlayerError, ZenlayerErrorDetails } from './zenlayer.error';

const failure = (details: Partial<ZenlayerErrorDetails>) =>
  new ZenlayerError({ action: 'CreateImage', kind: 'api', code: 'X', message: 'm', sent: true, ...details });

describe('which failures are retried', () => {
  it.each([
    ['a timeout', { kind: 'timeout' }, true, false],
    ['a reset after sending', { kind: 'network', sent: true }, true, false],
    ['a refused connection (never sent)', { kind: 'network', sent: false }, true, true],
    ['a 503', { httpStatus: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, true, false],
    ['an HTML 502 page', { kind: 'bad-response', httpStatus: 502 }, true, false],
    ['throttling by code', { httpStatus: 400, code: 'REQUEST_LIMIT_EXCEEDED' }, true, true],
    ['throttling by status', { httpStatus: 429, code: 'TOO_MANY' }, true, true],
    ['throttling with an HTML or empty 429 body', { kind: 'bad-response', httpStatus: 429, code: 'GATEWAY_UPSTREAM_BAD_RESPONSE' }, true, true],
    ['a quota refusal', { httpStatus: 400, code: 'LIMIT_EXCEEDED_IMAGE_QUOTA' }, false, false],
    ['a truncated 200 answer', { kind: 'bad-response', httpStatus: 200 }, false, false],
    ['an edge challenge', { kind: 'challenge', httpStatus: 403 }, false, false],
  ] as const)('%s: read %s, write %s', (_why, details, read, write) => {
    const error = failure(details as Partial<ZenlayerErrorDetails>);
    expect(isRetryable('read', error)).toBe(read);
    expect(isRetryable('write', error)).toBe(write);
  });

  it('counts only unavailability towards opening the circuit', () => {
    expect(isUnavailable(failure({ kind: 'timeout' }))).toBe(true);
    expect(isUnavailable(failure({ httpStatus: 500 }))).toBe(true);
    expect(isUnavailable(failure({ httpStatus: 429 }))).toBe(false);
    expect(isUnavailable(failure({ kind: 'bad-response', httpStatus: 429 }))).toBe(false);
    expect(isUnavailable(failure({ httpStatus: 400 }))).toBe(false);
    expect(isUnavailable(new Error('not from Zenlayer'))).toBe(false);
  });
});

describe('fromPolicyError', () => {
  it.each([
    ['an open circuit', new BrokenCircuitError(), 'UPSTREAM_UNAVAILABLE', 'GATEWAY_CIRCUIT_OPEN'],
    ['an isolated circuit', new IsolatedCircuitError(), 'UPSTREAM_UNAVAILABLE', 'GATEWAY_CIRCUIT_OPEN'],
    ['a full concurrency queue', new BulkheadRejectedError(1, 1), 'RATE_LIMITED', 'GATEWAY_UPSTREAM_QUEUE_FULL'],
    ['a full token-bucket queue', new RateLimiterQueueError('full'), 'RATE_LIMITED', 'GATEWAY_UPSTREAM_QUEUE_FULL'],
    ['a cancelled task', new TaskCancelledError(), 'UPSTREAM_UNAVAILABLE', 'GATEWAY_DEADLINE_EXCEEDED'],
  ])('maps %s', (_why, error, code, upstreamCode) => {
    expect(fromPolicyError(error, 'DescribeZones', 1000, false)).toMatchObject({ code, details: { upstream: { code: upstreamCode } } });
  });

  it('maps any failure after the deadline passed to UPSTREAM_UNAVAILABLE, and leaves other errors alone', () => {
    expect(fromPolicyError(failure({ kind: 'network' }), 'DescribeZones', 1000, true)?.message).toMatch(/deadline of 1000 ms/);
    expect(fromPolicyError(failure({ kind: 'network' }), 'DescribeZones', 1000, false)).toBeUndefined();
  });
});

describe(ClientSlots.name, () => {
  /** A call that runs until released, recording when it started. */
  const gate = (started: string[], name: string) => {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    return { release, work: () => (started.push(name), done.then(() => name)) };
  };
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const never = new AbortController().signal;

  it("runs at most perClient calls per client at once, queueing the rest behind that client's own", async () => {
    const slots = new ClientSlots(2, 10);
    const started: string[] = [];
    const greedy = ['g1', 'g2', 'g3', 'g4'].map((name) => gate(started, name));
    const other = gate(started, 'o1');
    const running = greedy.map((g) => slots.run('greedy', g.work, never));
    const otherRun = slots.run('other', other.work, never);
    await tick();
    expect(started).toEqual(['g1', 'g2', 'o1']);
    greedy[0].release();
    await tick();
    expect(started).toEqual(['g1', 'g2', 'o1', 'g3']);
    for (const g of greedy) g.release();
    other.release();
    expect(await Promise.all([...running, otherRun])).toEqual(['g1', 'g2', 'g3', 'g4', 'o1']);
    expect(slots.size).toBe(0);
  });

  it('refuses past its queue, and lets a waiting call go when its signal aborts', async () => {
    const slots = new ClientSlots(1, 1);
    const started: string[] = [];
    const first = gate(started, 'first');
    const running = slots.run('c', first.work, never);
    const deadline = new AbortController();
    const waiting = slots.run('c', gate(started, 'waiting').work, deadline.signal);
    await expect(slots.run('c', gate(started, 'third').work, never)).rejects.toBeInstanceOf(BulkheadRejectedError);
    deadline.abort();
    await expect(waiting).rejects.toBeInstanceOf(TaskCancelledError);
    first.release();
    await running;
    expect(started).toEqual(['first']);
    expect(slots.size).toBe(0);
  });

  it('bounds the waiting calls of all clients together, not each client on its own', async () => {
    const slots = new ClientSlots(1, 2);
    const started: string[] = [];
    const gates = ['a1', 'a2', 'b1', 'b2', 'c1'].map((name) => gate(started, name));
    const runs = [slots.run('a', gates[0].work, never), slots.run('a', gates[1].work, never), slots.run('b', gates[2].work, never), slots.run('b', gates[3].work, never)];
    // a2 and b2 wait: the queue is full, so c may run its first call but not queue a second.
    const c1 = slots.run('c', gates[4].work, never);
    await expect(slots.run('c', gate(started, 'c2').work, never)).rejects.toBeInstanceOf(BulkheadRejectedError);
    for (const g of gates) g.release();
    expect(await Promise.all([...runs, c1])).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    // Once they have run, the queue is free again.
    const again = gate(started, 'again');
    const busy = slots.run('d', again.work, never);
    const queued = slots.run('d', async () => 'queued', never);
    again.release();
    expect(await Promise.all([busy, queued])).toEqual(['again', 'queued']);
    expect(slots.size).toBe(0);
  });

  it('frees the slot when a call fails', async () => {
    const slots = new ClientSlots(1, 5);
    await expect(slots.run('c', () => Promise.reject(new Error('boom')), never)).rejects.toThrow('boom');
    await expect(slots.run('c', async () => 'ok', never)).resolves.toBe('ok');
    expect(slots.size).toBe(0);
  });
});
