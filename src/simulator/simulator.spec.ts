import { Agent, request } from 'node:http';
import { SIMULATOR_DEFAULT_CREDENTIALS, ZenlayerSimulator } from './simulator';
import { callSimulator, rawRequest } from './testing';

const REQUEST_ID = /^T[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

describe(ZenlayerSimulator.name, () => {
  const sim = new ZenlayerSimulator({ imageReadyDelayMs: 50 });
  let url: string;

  beforeAll(async () => {
    url = await sim.listen();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  describe('envelopes', () => {
    it('wraps a success in {requestId, response: {requestId, ...}}', async () => {
      const res = await callSimulator(url, 'DescribeImageQuota', { zoneIds: ['FRA-A'] });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.requestId).toMatch(REQUEST_ID);
      expect(res.body).toEqual({ requestId: res.body.requestId, response: { requestId: res.body.requestId, images: [{ zoneId: 'FRA-A', count: 2, maxCount: 5 }] } });
    });

    it('answers a failure as {requestId, code, message}', async () => {
      const res = await callSimulator(url, 'DescribeImage', { imageId: 'img-nope' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ requestId: expect.stringMatching(REQUEST_ID), code: 'INVALID_IMAGE_NOT_FOUND', message: expect.stringContaining('img-nope') });
    });

    it('ignores the query string', async () => {
      const res = await rawRequest(url, { path: '/api/v2/vm?foo=bar', headers: {} });
      expect(res.body.code).not.toBe('OPERATION_FAILED_RESOURCE_NOT_FOUND');
    });
  });

  describe('routing', () => {
    it.each([
      ['GET', '/api/v2/vm'],
      ['POST', '/api/v2/vpc'],
      ['POST', '/'],
      ['PUT', '/api/v2/vm'],
    ])('answers %s %s with 404 OPERATION_FAILED_RESOURCE_NOT_FOUND', async (method, path) => {
      const res = await rawRequest(url, { method, path });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ requestId: expect.stringMatching(REQUEST_ID), code: 'OPERATION_FAILED_RESOURCE_NOT_FOUND' });
    });
  });

  describe('required headers', () => {
    it.each([['application/json; charset=utf-8'], ['text/plain'], [undefined]])('rejects content-type %p with 400 INVALID_PARAMETER_VALUE', async (contentType) => {
      const res = await callSimulator(url, 'DescribeZones', {}, { headers: { 'content-type': contentType } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_PARAMETER_VALUE');
    });

    it.each([
      ['x-zc-service', 'ecs', 'INVALID_PARAMETER_VALUE'],
      ['x-zc-service', undefined, 'MISSING_PARAMETER'],
      ['x-zc-version', '2022-01-01', 'INVALID_PARAMETER_VALUE'],
      ['x-zc-version', undefined, 'MISSING_PARAMETER'],
      ['x-zc-action', undefined, 'MISSING_PARAMETER'],
      ['x-zc-action', 'DescribeDisks', 'INVALID_ACTION'],
      ['x-zc-action', 'toString', 'INVALID_ACTION'],
    ])('answers %s=%p with 400 %s', async (name, value, code) => {
      const res = await callSimulator(url, 'DescribeZones', {}, { headers: { [name]: value } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
    });

    it.each([['HMAC-SHA256'], [undefined]])('answers x-zc-signature-method=%p with 401 AUTHFAILURE_INVALID_AUTHORIZATION', async (method) => {
      const res = await callSimulator(url, 'DescribeZones', {}, { headers: { 'x-zc-signature-method': method } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTHFAILURE_INVALID_AUTHORIZATION');
    });
  });

  describe('authentication', () => {
    it('accepts the default development key pair', async () => {
      const res = await callSimulator(url, 'DescribeZones', {}, SIMULATOR_DEFAULT_CREDENTIALS);
      expect(res.status).toBe(200);
    });

    it.each([
      ['no Authorization header', { headers: { authorization: undefined } }, 'AUTHFAILURE_INVALID_AUTHORIZATION'],
      ['an unparseable Authorization header', { headers: { authorization: 'ZC2-HMAC-SHA256 nonsense' } }, 'AUTHFAILURE_INVALID_AUTHORIZATION'],
      ['an unknown access key id', { accessKeyId: 'someone-else' }, 'AUTHFAILURE_INVALID_AUTHORIZATION'],
      ['no timestamp', { headers: { 'x-zc-timestamp': undefined } }, 'AUTHFAILURE_INVALID_AUTHORIZATION'],
      ['the wrong password', { accessKeyPassword: 'guess' }, 'AUTHFAILURE_SIGNATURE_FAILURE'],
      ['a tampered body', { signedBody: '{"zoneIds":["HKG-A"]}', rawBody: '{"zoneIds":["FRA-A"]}' }, 'AUTHFAILURE_SIGNATURE_FAILURE'],
      ['a signature for another host', { signedHost: 'console.zenlayer.com' }, 'AUTHFAILURE_SIGNATURE_FAILURE'],
      ['a timestamp header that differs from the signed one', { headers: { 'x-zc-timestamp': '1' } }, 'AUTHFAILURE_SIGNATURE_FAILURE'],
      ['a stale timestamp', { timestamp: String(Math.floor(Date.now() / 1000) - 3600) }, 'AUTHFAILURE_SIGNATURE_EXPIRED'],
      ['a future timestamp', { timestamp: String(Math.floor(Date.now() / 1000) + 3600) }, 'AUTHFAILURE_SIGNATURE_EXPIRED'],
    ])('rejects %s with 401', async (_case, options, code) => {
      const res = await callSimulator(url, 'DescribeZones', {}, options);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ requestId: expect.stringMatching(REQUEST_ID), code });
    });

    it('verifies against the Host header as received, whatever it names', async () => {
      const res = await callSimulator(url, 'DescribeZones', {}, { host: 'console.zenlayer.com' });
      expect(res.status).toBe(200);
    });

    it('verifies the exact bytes received, UTF-8 included', async () => {
      const rawBody = '{ "instanceId" : "ins-fra-stopped", "imageName": "web-镜像_01" }';
      const res = await callSimulator(url, 'CreateImage', undefined, { rawBody });
      expect(res.status).toBe(200);
    });

    it('does not record unauthenticated calls', async () => {
      await callSimulator(url, 'DescribeZones', {}, { accessKeyPassword: 'guess' });
      expect(sim.callCount()).toBe(0);
    });

    it('accepts key pairs set later and forgets them on reset', async () => {
      sim.setCredentials([{ accessKeyId: 'rotated', accessKeyPassword: 'new-password' }]);
      expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(401);
      expect((await callSimulator(url, 'DescribeZones', {}, { accessKeyId: 'rotated', accessKeyPassword: 'new-password' })).status).toBe(200);
      sim.reset();
      expect((await callSimulator(url, 'DescribeZones', {})).status).toBe(200);
    });
  });

  describe('body', () => {
    it.each([['[]'], ['null'], ['"text"'], ['42'], ['{"truncated":'], ['']])('answers the body %p with 400 INVALID_PARAMETER_TYPE', async (rawBody) => {
      const res = await callSimulator(url, 'DescribeZones', undefined, { rawBody });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_PARAMETER_TYPE');
    });

    it('answers a body over 1 MiB with 413', async () => {
      const rawBody = JSON.stringify({ zoneId: 'FRA-A', imageName: 'x'.repeat(1024 * 1024) });
      const res = await callSimulator(url, 'DescribeImages', undefined, { rawBody });
      expect(res.status).toBe(413);
    });
  });

  describe('call records', () => {
    it('records each verified call with its outcome', async () => {
      const ok = await callSimulator(url, 'DescribeZones', { zoneIds: ['TYO-A'] });
      const failed = await callSimulator(url, 'DescribeImage', { imageId: 'img-nope' });
      const unknown = await callSimulator(url, 'RebootInstances', {});
      expect(sim.calls).toEqual([
        { action: 'DescribeZones', body: { zoneIds: ['TYO-A'] }, status: 200, requestId: ok.body.requestId, at: expect.any(Number) },
        { action: 'DescribeImage', body: { imageId: 'img-nope' }, status: 404, code: 'INVALID_IMAGE_NOT_FOUND', requestId: failed.body.requestId, at: expect.any(Number) },
        { action: 'RebootInstances', body: {}, status: 400, code: 'INVALID_ACTION', requestId: unknown.body.requestId, at: expect.any(Number) },
      ]);
      expect(sim.callCount()).toBe(3);
      expect(sim.callCount('DescribeZones')).toBe(1);
      expect(sim.callCount('CreateImage')).toBe(0);
    });

    it('stamps calls with the injected clock', async () => {
      const clocked = new ZenlayerSimulator({ now: () => 1_763_800_000_000 });
      const clockedUrl = await clocked.listen();
      try {
        const res = await callSimulator(clockedUrl, 'DescribeZones', {}, { timestamp: '1763800000' });
        expect(res.status).toBe(200);
        expect(clocked.calls[0].at).toBe(1_763_800_000_000);
        expect((await callSimulator(clockedUrl, 'DescribeZones', {})).body.code).toBe('AUTHFAILURE_SIGNATURE_EXPIRED');
      } finally {
        await clocked.close();
      }
    });

    it('keeps a copy: resetCalls does not empty an array already read', async () => {
      await callSimulator(url, 'DescribeZones', {});
      const before = sim.calls;
      sim.resetCalls();
      expect(before).toHaveLength(1);
      expect(sim.calls).toHaveLength(0);
    });
  });
});

describe('ZenlayerSimulator lifecycle', () => {
  it('throws on url before listen and resolves a loopback URL on listen', async () => {
    const sim = new ZenlayerSimulator();
    expect(() => sim.url).toThrow(/not listening/);
    const url = await sim.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.url).toBe(url);
    await expect(sim.listen()).rejects.toThrow(/already listening/);
    await sim.close();
    expect(() => sim.url).toThrow();
    await sim.close();
  });

  it('rejects listen on a port in use', async () => {
    const first = new ZenlayerSimulator();
    const second = new ZenlayerSimulator();
    const port = Number(new URL(await first.listen()).port);
    try {
      await expect(second.listen(port)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('rejects bad options', () => {
    expect(() => new ZenlayerSimulator({ imageReadyDelayMs: -1 })).toThrow(RangeError);
    expect(() => new ZenlayerSimulator({ maxClockSkewSeconds: Number.NaN })).toThrow(RangeError);
    expect(() => new ZenlayerSimulator({ accessKeyId: 'has space' })).toThrow(RangeError);
    expect(() => new ZenlayerSimulator({ accessKeyPassword: '' })).toThrow(RangeError);
    expect(() => new ZenlayerSimulator({ errorCodeStyle: 'DOTTED' as never })).toThrow(/errorCodeStyle must be one of documented, dotted/);
  });

  it('closes at once with a keep-alive connection open', async () => {
    const sim = new ZenlayerSimulator();
    const url = await sim.listen();
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        request(`${url}/_simulator/health`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
      const started = Date.now();
      await sim.close();
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      agent.destroy();
    }
  });

  it('closes at once while a latency fault holds a request', async () => {
    const sim = new ZenlayerSimulator();
    const url = await sim.listen();
    sim.injectFault('DescribeZones', { kind: 'latency', ms: 60_000 });
    const pending = callSimulator(url, 'DescribeZones', {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(pending).rejects.toThrow();
  });

  it('closes at once while a delayed write holds a request, and the write is never applied', async () => {
    const sim = new ZenlayerSimulator();
    const url = await sim.listen();
    sim.injectFault('CreateImage', { kind: 'delayed-write', ms: 200 });
    const pending = callSimulator(url, 'CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(pending).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(sim.callCount()).toBe(0);
    const again = await sim.listen();
    try {
      expect((await callSimulator(again, 'DescribeImages', { zoneId: 'TYO-A', imageName: 'late' })).body.response.totalCount).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
