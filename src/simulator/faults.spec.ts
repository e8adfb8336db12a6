import { FAULT_KINDS, FaultQueue, parseFault } from './faults';
import { ZenlayerSimulator } from './simulator';
import { callSimulator, rawRequest } from './testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe(FaultQueue.name, () => {
  it('serves a fault `times` times, then nothing', () => {
    const queue = new FaultQueue();
    queue.add('DescribeImages', { kind: 'empty' }, 2);
    expect(queue.take('DescribeImages')).toEqual({ kind: 'empty' });
    expect(queue.pending()).toEqual({ DescribeImages: 1 });
    expect(queue.take('DescribeImages')).toEqual({ kind: 'empty' });
    expect(queue.take('DescribeImages')).toBeUndefined();
    expect(queue.pending()).toEqual({});
  });

  it("prefers the action's own faults over '*', and serves each queue in order", () => {
    const queue = new FaultQueue();
    queue.add('*', { kind: 'html' });
    queue.add('CreateImage', { kind: 'empty' });
    queue.add('CreateImage', { kind: 'challenge' });
    expect(queue.take('DescribeZones')).toEqual({ kind: 'html' });
    expect(queue.take('DescribeZones')).toBeUndefined();
    expect(queue.take('CreateImage')).toEqual({ kind: 'empty' });
    expect(queue.take('CreateImage')).toEqual({ kind: 'challenge' });
  });

  it('serves Infinity times until cleared', () => {
    const queue = new FaultQueue();
    queue.add('*', { kind: 'empty' }, Infinity);
    for (let i = 0; i < 5; i += 1) expect(queue.take('DescribeZones')).toEqual({ kind: 'empty' });
    queue.clear();
    expect(queue.take('DescribeZones')).toBeUndefined();
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('rejects times=%p', (times) => {
    expect(() => new FaultQueue().add('*', { kind: 'empty' }, times)).toThrow(RangeError);
  });

  it('rejects an unknown action, naming the known ones', () => {
    expect(() => new FaultQueue().add('DescribeImage ', { kind: 'empty' })).toThrow(/unknown action.*DescribeImageQuota/);
  });
});

describe(parseFault.name, () => {
  it.each([
    [{ kind: 'latency', ms: 10 }],
    [{ kind: 'delayed-write', ms: 0 }],
    [{ kind: 'delayed-write', ms: 2_147_483_647 }],
    [{ kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }],
    [{ kind: 'malformed', status: 500, body: '{' }],
    [{ kind: 'reset', afterApply: true }],
    [{ kind: 'challenge' }],
  ])('accepts %p', (fault) => {
    expect(parseFault(fault)).toMatchObject(fault);
  });

  it.each([
    [null, /object/],
    [{ kind: 'boom' }, /kind/],
    [{ kind: 'latency' }, /ms/],
    [{ kind: 'latency', ms: -1 }, /ms/],
    [{ kind: 'latency', ms: 2 ** 31 }, /ms/],
    [{ kind: 'delayed-write' }, /ms/],
    [{ kind: 'delayed-write', ms: '100' }, /ms/],
    [{ kind: 'delayed-write', ms: -1 }, /ms/],
    [{ kind: 'delayed-write', ms: Infinity }, /ms/],
    [{ kind: 'delayed-write', ms: 2 ** 31 }, /ms/],
    [{ kind: 'error', status: 99, code: 'X' }, /status/],
    [{ kind: 'error', status: 500 }, /code/],
    [{ kind: 'html', status: '502' }, /status/],
    [{ kind: 'malformed', body: 1 }, /body/],
    [{ kind: 'reset', afterApply: 'yes' }, /afterApply/],
  ])('rejects %p', (fault, message) => {
    expect(() => parseFault(fault)).toThrow(message);
  });

  it('keeps only the known fields of a delayed write', () => {
    expect(parseFault({ kind: 'delayed-write', ms: 5, extra: true })).toEqual({ kind: 'delayed-write', ms: 5 });
  });

  it('lists delayed-write among the kinds it names', () => {
    expect(FAULT_KINDS).toContain('delayed-write');
    expect(() => parseFault({ kind: 'nope' })).toThrow(/delayed-write/);
  });
});

describe('Zenlayer simulator faults over HTTP', () => {
  const sim = new ZenlayerSimulator({ imageReadyDelayMs: 50 });
  let url: string;
  const quotaCount = async (zoneId: string): Promise<number> =>
    (await callSimulator(url, 'DescribeImageQuota', { zoneIds: [zoneId] })).body.response.images[0].count;

  beforeAll(async () => {
    url = await sim.listen();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('latency: delays, then answers normally', async () => {
    sim.injectFault('DescribeZones', { kind: 'latency', ms: 120 });
    const started = Date.now();
    const res = await callSimulator(url, 'DescribeZones', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(res.status).toBe(200);
    expect(sim.calls[0]).toMatchObject({ action: 'DescribeZones', status: 200, fault: 'latency' });
  });

  describe('delayed-write', () => {
    const createLate = { instanceId: 'ins-tyo-stopped', imageName: 'late' };
    const lateImages = async (): Promise<number> => (await callSimulator(url, 'DescribeImages', { zoneId: 'TYO-A', imageName: 'late' })).body.response.totalCount;

    it('carries the action out only after the delay, though the client gave up before', async () => {
      sim.injectFault('CreateImage', { kind: 'delayed-write', ms: 300 });
      await expect(callSimulator(url, 'CreateImage', createLate, { timeoutMs: 50 })).rejects.toThrow(/client timeout/);
      expect(sim.callCount('CreateImage')).toBe(0);
      expect(await lateImages()).toBe(0);
      await until(() => sim.callCount('CreateImage') === 1);
      expect(await lateImages()).toBe(1);
      expect(await quotaCount('TYO-A')).toBe(1);
      expect(sim.calls.find((call) => call.action === 'CreateImage')).toMatchObject({ status: 200, fault: 'delayed-write', body: createLate });
      expect(sim.calls.find((call) => call.action === 'CreateImage')).not.toHaveProperty('code');
    });

    it('answers the outcome when the client waits', async () => {
      sim.injectFault('CreateImage', { kind: 'delayed-write', ms: 120 });
      const started = Date.now();
      const res = await callSimulator(url, 'CreateImage', createLate);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(res.status).toBe(200);
      expect(res.body.response.imageId).toMatch(/^img-/);
      expect(sim.calls[0]).toMatchObject({ action: 'CreateImage', status: 200, requestId: res.body.requestId, fault: 'delayed-write' });
    });

    it('checks the rules when it applies, not when the call arrived, and records that outcome', async () => {
      sim.injectFault('CreateImage', { kind: 'delayed-write', ms: 200 });
      const pending = callSimulator(url, 'CreateImage', createLate);
      await sleep(50);
      sim.setInstanceStatus('ins-tyo-stopped', 'RUNNING');
      const res = await pending;
      expect([res.status, res.body.code]).toEqual([400, 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING']);
      expect(sim.calls[0]).toMatchObject({ status: 400, code: 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING', fault: 'delayed-write' });
      expect(await lateImages()).toBe(0);
    });

    it('holds only the faulted call: others are answered meanwhile', async () => {
      sim.injectFault('CreateImage', { kind: 'delayed-write', ms: 200 });
      const pending = callSimulator(url, 'CreateImage', createLate);
      const started = Date.now();
      expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(150);
      expect((await pending).status).toBe(200);
    });

    it('is dropped unapplied by reset(), which also drops its connection', async () => {
      sim.injectFault('CreateImage', { kind: 'delayed-write', ms: 150 });
      const pending = callSimulator(url, 'CreateImage', createLate);
      await sleep(50);
      sim.reset();
      await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
      await sleep(200);
      expect(sim.callCount()).toBe(0);
      expect(await quotaCount('TYO-A')).toBe(0);
    });
  });

  it('error: answers a Zenlayer-shaped failure without applying the action', async () => {
    sim.injectFault('CreateImage', { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' });
    const res = await callSimulator(url, 'CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ requestId: expect.stringMatching(/^T/), code: 'REQUEST_LIMIT_EXCEEDED', message: expect.any(String) });
    expect(await quotaCount('TYO-A')).toBe(0);
    expect(sim.calls[0]).toMatchObject({ action: 'CreateImage', status: 429, code: 'REQUEST_LIMIT_EXCEEDED', fault: 'error', requestId: res.body.requestId });
  });

  it('error: uses the given message', async () => {
    sim.injectFault('DescribeZones', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE', message: 'down for lunch' });
    expect((await callSimulator(url, 'DescribeZones', {})).body.message).toBe('down for lunch');
  });

  it('malformed: answers truncated JSON with a JSON content type, without applying the action', async () => {
    sim.injectFault('DeleteImages', { kind: 'malformed' });
    const res = await callSimulator(url, 'DeleteImages', { imageIds: ['img-fra-web-01'] });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(res.text)).toThrow();
    expect(await quotaCount('FRA-A')).toBe(2);
  });

  it('malformed: serves the given status and body', async () => {
    sim.injectFault('DescribeZones', { kind: 'malformed', status: 500, body: 'not json' });
    const res = await callSimulator(url, 'DescribeZones', {});
    expect([res.status, res.text]).toEqual([500, 'not json']);
  });

  it('html: answers a 502 HTML page by default', async () => {
    sim.injectFault('DescribeImages', { kind: 'html' });
    const res = await callSimulator(url, 'DescribeImages', { zoneId: 'FRA-A' });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('text/html');
    expect(res.text).toContain('502 Bad Gateway');
  });

  it('html: serves the given status', async () => {
    sim.injectFault('DescribeImages', { kind: 'html', status: 504 });
    const res = await callSimulator(url, 'DescribeImages', { zoneId: 'FRA-A' });
    expect(res.status).toBe(504);
    expect(res.text).toContain('504');
  });

  it('empty: answers 200 with no body by default', async () => {
    sim.injectFault('DescribeImage', { kind: 'empty' });
    const res = await callSimulator(url, 'DescribeImage', { imageId: 'img-debian-12' });
    expect([res.status, res.text, res.headers['content-length']]).toEqual([200, '', '0']);
  });

  it('empty: serves the given status', async () => {
    sim.injectFault('DescribeImage', { kind: 'empty', status: 503 });
    expect((await callSimulator(url, 'DescribeImage', { imageId: 'img-debian-12' })).status).toBe(503);
  });

  it('reset: drops the connection without applying the action', async () => {
    sim.injectFault('CreateImage', { kind: 'reset' });
    await expect(callSimulator(url, 'CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await quotaCount('TYO-A')).toBe(0);
    expect(sim.calls[0]).toMatchObject({ action: 'CreateImage', status: 0, fault: 'reset' });
  });

  it('reset with afterApply: applies the action, then drops the connection', async () => {
    sim.injectFault('CreateImage', { kind: 'reset', afterApply: true });
    await expect(callSimulator(url, 'CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' })).rejects.toThrow();
    expect(await quotaCount('TYO-A')).toBe(1);
    const retry = await callSimulator(url, 'CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' });
    expect(retry.body.code).toBe('UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE');
  });

  it('challenge: answers 403 with cf-mitigated: challenge and HTML', async () => {
    sim.injectFault('*', { kind: 'challenge' });
    const res = await callSimulator(url, 'DescribeZones', {});
    expect(res.status).toBe(403);
    expect(res.headers['cf-mitigated']).toBe('challenge');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<html');
  });

  it('applies to the next `times` calls of that action only', async () => {
    sim.injectFault('DescribeZones', { kind: 'error', status: 500, code: 'INTERNAL_SERVER_ERROR' }, 2);
    expect((await callSimulator(url, 'DescribeImages', { zoneId: 'FRA-A' })).status).toBe(200);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(500);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(500);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
    expect(sim.callCount('DescribeZones')).toBe(3);
  });

  it("'*' applies to any action", async () => {
    sim.injectFault('*', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 2);
    expect((await callSimulator(url, 'DescribeImages', { zoneId: 'FRA-A' })).status).toBe(503);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(503);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
  });

  it('is not consumed by calls that fail authentication', async () => {
    sim.injectFault('DescribeZones', { kind: 'empty' });
    expect((await callSimulator(url, 'DescribeZones', {}, { accessKeyPassword: 'bad' })).status).toBe(401);
    expect((await callSimulator(url, 'DescribeZones', {})).text).toBe('');
  });

  it('clearFaults and reset drop queued faults', async () => {
    sim.injectFault('*', { kind: 'empty' }, 5);
    sim.clearFaults();
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
    sim.injectFault('*', { kind: 'empty' }, 5);
    sim.reset();
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
  });

  it('rejects a bad fault at injection time', () => {
    expect(() => sim.injectFault('DescribeZones', { kind: 'latency' } as never)).toThrow(TypeError);
    expect(() => sim.injectFault('NoSuchAction', { kind: 'empty' })).toThrow(TypeError);
  });
});

describe('Zenlayer simulator control routes', () => {
  const sim = new ZenlayerSimulator({ imageReadyDelayMs: 50 });
  let url: string;
  const admin = (method: string, path: string, body?: unknown) =>
    rawRequest(url, { method, path: `/_simulator/${path}`, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    url = await sim.listen();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('answers health', async () => {
    const res = await admin('GET', 'health');
    expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
  });

  it('queues and clears faults', async () => {
    expect((await admin('POST', 'faults', { action: 'DescribeZones', fault: { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' }, times: 2 })).status).toBe(204);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(429);
    expect((await admin('DELETE', 'faults')).status).toBe(204);
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
  });

  it('queues a delayed-write fault', async () => {
    expect((await admin('POST', 'faults', { action: 'DeleteImages', fault: { kind: 'delayed-write', ms: 20 } })).status).toBe(204);
    expect((await callSimulator(url, 'DeleteImages', { imageIds: ['img-fra-web-01'] })).status).toBe(200);
    expect(sim.calls[0]).toMatchObject({ action: 'DeleteImages', status: 200, fault: 'delayed-write' });
    expect((await callSimulator(url, 'DescribeImage', { imageId: 'img-fra-web-01' })).status).toBe(404);
  });

  it('defaults times to 1', async () => {
    await admin('POST', 'faults', { action: '*', fault: { kind: 'empty' } });
    expect((await callSimulator(url, 'DescribeZones', {})).text).toBe('');
    expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
  });

  it.each([
    [{ fault: { kind: 'empty' } }, /action/],
    [{ action: 'Nope', fault: { kind: 'empty' } }, /unknown action/],
    [{ action: '*', fault: { kind: 'nope' } }, /kind/],
    [{ action: '*', fault: { kind: 'delayed-write', ms: -5 } }, /ms/],
    [{ action: '*', fault: { kind: 'delayed-write' } }, /ms/],
    [{ action: '*', fault: { kind: 'empty' }, times: 0 }, /times/],
  ])('answers a bad fault %p with 400 naming the problem', async (body, message) => {
    const res = await admin('POST', 'faults', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('answers a body that is not a JSON object with 400', async () => {
    const res = await rawRequest(url, { method: 'POST', path: '/_simulator/faults', body: '[1' });
    expect(res.status).toBe(400);
  });

  it('lists and forgets calls', async () => {
    await callSimulator(url, 'DescribeZones', { zoneIds: ['FRA-A'] });
    const listed = await admin('GET', 'calls');
    expect(listed.body.calls).toEqual([{ action: 'DescribeZones', body: { zoneIds: ['FRA-A'] }, status: 200, requestId: expect.any(String), at: expect.any(Number) }]);
    expect((await admin('DELETE', 'calls')).status).toBe(204);
    expect((await admin('GET', 'calls')).body.calls).toEqual([]);
  });

  it('resets the world', async () => {
    await callSimulator(url, 'DeleteImages', { imageIds: ['img-fra-web-01'] });
    expect((await admin('POST', 'reset')).status).toBe(204);
    expect((await callSimulator(url, 'DescribeImage', { imageId: 'img-fra-web-01' })).status).toBe(200);
    expect(sim.callCount()).toBe(1);
  });

  it('sets instance status, quota and image status', async () => {
    expect((await admin('POST', 'instance-status', { instanceId: 'ins-fra-running', status: 'STOPPED' })).status).toBe(204);
    expect((await admin('POST', 'quota', { zoneId: 'FRA-A', maxCount: 3 })).status).toBe(204);
    expect((await callSimulator(url, 'CreateImage', { instanceId: 'ins-fra-running', imageName: 'x' })).status).toBe(200);
    const full = await callSimulator(url, 'CreateImage', { instanceId: 'ins-fra-stopped', imageName: 'y' });
    expect(full.body.code).toBe('LIMIT_EXCEEDED_IMAGE_QUOTA');
    expect((await admin('POST', 'image-status', { imageId: 'img-fra-db-01', status: 'UNAVAILABLE' })).status).toBe(204);
    expect((await admin('POST', 'system-disk', { instanceId: 'ins-tyo-stopped', available: false })).status).toBe(204);
    expect((await callSimulator(url, 'CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'z' })).body.code).toBe('UNSUPPORTED_OPERATION_DISK_UNAVAILABLE');
    expect((await callSimulator(url, 'DescribeImage', { imageId: 'img-fra-db-01' })).body.response.imageStatus).toBe('UNAVAILABLE');
  });

  it.each([
    ['instance-status', { instanceId: 'ins-nope', status: 'STOPPED' }],
    ['instance-status', { instanceId: 'ins-fra-running', status: 'PAUSED' }],
    ['system-disk', { instanceId: 'ins-fra-running', available: 'no' }],
    ['system-disk', { instanceId: 'ins-nope', available: false }],
    ['quota', { zoneId: 'FRA-A', maxCount: 'many' }],
    ['image-status', { imageId: 'img-fra-db-01', status: 'GONE' }],
  ])('answers a bad %s body %p with 400', async (path, body) => {
    expect((await admin('POST', path, body)).status).toBe(400);
  });

  it('answers an unknown control route with 404', async () => {
    expect((await admin('GET', 'nope')).status).toBe(404);
    expect((await admin('GET', 'faults')).status).toBe(404);
  });
});
