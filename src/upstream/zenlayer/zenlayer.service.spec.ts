import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import { EventEmitter } from 'node:events';
import { GatewayError } from '../../common/errors';
import { currentRequest, requestContextHook, RequestContext } from '../../common/request-context';
import type { GatewayConfig } from '../../config';
import type { Metrics } from '../../observability/metrics';
import { WRITE_INVALIDATES, ZenlayerActionName, ZenlayerReadAction, ZenlayerWriteAction } from './actions';
import { ReadCache } from './read-cache';
import { ResilienceOptions, UpstreamPolicies } from './resilience';
import type { CallOptions, ZenlayerClient, ZenlayerResult } from './zenlayer.client';
import { ZenlayerError, ZenlayerErrorDetails } from './zenlayer.error';
import { ZenlayerService } from './zenlayer.service';

const SECRET = 'sk-live-0123456789abcdef';
const config = { secrets: [SECRET], requestDeadlineMs: 1000 } as GatewayConfig;
const READS: ZenlayerReadAction[] = ['DescribeZones', 'DescribeImageQuota', 'DescribeImages', 'DescribeImage', 'DescribeInstances'];

const failure = (details: Partial<ZenlayerErrorDetails>) =>
  new ZenlayerError({ action: 'CreateImage', kind: 'api', code: 'X', message: 'refused', sent: true, ...details });

/** Runs `work` as the gateway runs a client request: in its context (here with a client and an operation). */
const inRequest = <T>(work: (context: RequestContext) => Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const reply = { header: () => reply, raw: new EventEmitter() };
    requestContextHook(config.requestDeadlineMs)({ raw: { headers: {} } } as unknown as FastifyRequest, reply as unknown as FastifyReply, () => {
      const context = currentRequest()!;
      Object.assign(context, { client: 'key:ops', operation: 'mutation CreateOne' });
      work(context)
        .then(resolve, reject)
        .finally(() => reply.raw.emit('close'));
    });
  });

/** Zenlayer as the client shows it: every call succeeds, answered with request ids up-1, up-2, ..., unless a test says otherwise. */
class FakeClient {
  private calls = 0;
  readonly call = jest.fn(
    async (action: ZenlayerActionName, _request: unknown, _options?: CallOptions): Promise<ZenlayerResult<unknown>> => ({
      requestId: `up-${++this.calls}`,
      response: { answeredFor: action },
    }),
  );
}

describe(ZenlayerService.name, () => {
  const caches: ReadCache[] = [];
  let client: FakeClient;
  let cache: ReadCache;
  let logger: { logger: { isLevelEnabled: () => boolean }; info: jest.Mock; debug: jest.Mock; warn: jest.Mock };
  let audit: { info: jest.Mock };
  let metrics: { upstreamCall: jest.Mock; rateLimited: jest.Mock };

  const make = (policies: Partial<ResilienceOptions> = {}) => {
    cache = new ReadCache({ ttlMs: Object.fromEntries(READS.map((action) => [action, 60_000])) as Record<ZenlayerReadAction, number> });
    caches.push(cache);
    const upstream = new UpstreamPolicies({
      maxAttempts: 1,
      retryBaseMs: 1,
      failureThreshold: 100,
      halfOpenAfterMs: 60_000,
      concurrency: 10,
      queueSize: 10,
      concurrencyPerClient: 10,
      ratePerSecond: 1000,
      ...policies,
    });
    return new ZenlayerService(
      client as unknown as ZenlayerClient,
      cache,
      upstream,
      logger as unknown as PinoLogger,
      audit as unknown as PinoLogger,
      config,
      metrics as unknown as Metrics,
    );
  };

  beforeEach(() => {
    client = new FakeClient();
    logger = { logger: { isLevelEnabled: () => true }, info: jest.fn(), debug: jest.fn(), warn: jest.fn() };
    audit = { info: jest.fn() };
    metrics = { upstreamCall: jest.fn(), rateLimited: jest.fn() };
  });
  afterAll(() => Promise.all(caches.map((c) => c.close())));

  describe('reads', () => {
    it('go through the cache: a repeat is answered without calling Zenlayer, unless asked for fresh', async () => {
      const zenlayer = make();
      const first = await zenlayer.call('DescribeZones', {});
      await expect(zenlayer.call('DescribeZones', {})).resolves.toEqual(first);
      expect(client.call).toHaveBeenCalledTimes(1);
      await zenlayer.call('DescribeZones', {}, { fresh: true });
      expect(client.call).toHaveBeenCalledTimes(2);
      await zenlayer.call('DescribeZones', { zoneIds: ['FRA-A'] });
      expect(client.call).toHaveBeenCalledTimes(3);
      expect(audit.info).not.toHaveBeenCalled();
    });

    it('share a call in flight, each caller still giving up at its own deadline', async () => {
      const zenlayer = make();
      let answer!: () => void;
      client.call.mockImplementationOnce(
        (action) => new Promise((resolve) => (answer = () => resolve({ requestId: 'up-shared', response: { answeredFor: action } }))),
      );
      const impatient = new AbortController();
      const first = zenlayer.call('DescribeImages', { pageNum: 1 }, { signal: impatient.signal });
      const second = zenlayer.call('DescribeImages', { pageNum: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      impatient.abort();
      await expect(first).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { upstream: { code: 'GATEWAY_DEADLINE_EXCEEDED' } } });
      answer();
      await expect(second).resolves.toEqual({ requestId: 'up-shared', response: { answeredFor: 'DescribeImages' } });
      expect(client.call).toHaveBeenCalledTimes(1);
    });
  });

  describe('writes', () => {
    it.each(Object.keys(WRITE_INVALIDATES) as ZenlayerWriteAction[])('%s drops the cached reads it changes, and only those', async (action) => {
      const zenlayer = make();
      for (const read of READS) await zenlayer.call(read, {} as never);
      const invalidate = jest.spyOn(cache, 'invalidate');
      await zenlayer.call(action, {} as never);
      expect(invalidate).toHaveBeenCalledWith(WRITE_INVALIDATES[action]);
      client.call.mockClear();
      for (const read of READS) await zenlayer.call(read, {} as never);
      expect(client.call.mock.calls.map(([read]) => read).sort()).toEqual([...WRITE_INVALIDATES[action]].sort());
    });

    it('a write whose outcome is unknown drops the cached reads too, and says its outcome is unknown', async () => {
      const zenlayer = make();
      await zenlayer.call('DescribeImages', {});
      client.call.mockRejectedValueOnce(failure({ kind: 'timeout', code: 'GATEWAY_UPSTREAM_TIMEOUT' }));
      const error = await zenlayer.call('CreateImage', { instanceId: 'ins-1', imageName: 'web' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { outcomeUnknown: true, upstream: { action: 'CreateImage', code: 'GATEWAY_UPSTREAM_TIMEOUT' } } });
      await zenlayer.call('DescribeImages', {});
      expect(client.call.mock.calls.map(([action]) => action)).toEqual(['DescribeImages', 'CreateImage', 'DescribeImages']);
    });

    it.each([
      ['refused by Zenlayer', failure({ code: 'INVALID_INSTANCE_NOT_FOUND', httpStatus: 404, requestId: 'up-9' }), 'NOT_FOUND'],
      ['never sent', failure({ kind: 'network', code: 'GATEWAY_UPSTREAM_NETWORK_ERROR', sent: false }), 'UPSTREAM_UNAVAILABLE'],
      ['throttled', failure({ code: 'REQUEST_LIMIT_EXCEEDED', httpStatus: 429 }), 'RATE_LIMITED'],
    ])('a write %s is not done: nothing is dropped and its outcome is known', async (_why, refusal, code) => {
      const zenlayer = make();
      await zenlayer.call('DescribeImages', {});
      client.call.mockRejectedValueOnce(refusal);
      const error = (await zenlayer.call('CreateImage', { instanceId: 'ins-1', imageName: 'web' }).catch((e: unknown) => e)) as GatewayError;
      expect(error).toMatchObject({ code, details: { upstream: { action: 'CreateImage' } } });
      expect(error.details.outcomeUnknown).toBeUndefined();
      await zenlayer.call('DescribeImages', {});
      expect(client.call).toHaveBeenCalledTimes(2);
    });

    it('are audited, one line each, with the client, the operation and how they ended; reads are not', async () => {
      const zenlayer = make();
      await inRequest(async () => {
        await zenlayer.call('DescribeImages', {});
        await zenlayer.call('DeleteImages', { imageIds: ['img-1'] });
        client.call.mockRejectedValueOnce(failure({ action: 'DeleteImages', code: 'INVALID_IMAGE_STATUS', httpStatus: 400, requestId: 'up-refused' }));
        await zenlayer.call('DeleteImages', { imageIds: ['img-2'] }).catch(() => undefined);
      });
      await zenlayer.call('ModifyImagesAttributes', { imageIds: ['img-3'], imageName: 'x' });
      expect(audit.info.mock.calls).toEqual([
        [{ audit: true, client: 'key:ops', operation: 'mutation CreateOne', action: 'DeleteImages', outcome: 'OK', upstreamRequestId: 'up-2' }, 'audit'],
        [{ audit: true, client: 'key:ops', operation: 'mutation CreateOne', action: 'DeleteImages', outcome: 'INVALID_IMAGE_STATUS', upstreamRequestId: 'up-refused' }, 'audit'],
        [{ audit: true, client: 'unknown', operation: 'unknown', action: 'ModifyImagesAttributes', outcome: 'OK', upstreamRequestId: 'up-3' }, 'audit'],
      ]);
    });
  });

  describe('parameter refusals', () => {
    it.each([
      ['a read', 'DescribeImages' as const, { zoneId: 'FRA-A', imageName: 'w@b' }],
      ['a read asked for fresh', 'DescribeImages' as const, { zoneId: 'FRA-A', imageName: 'w@b' }, true],
      ['a write', 'ModifyImagesAttributes' as const, { imageIds: ['img-1'], imageName: 'w@b' }],
    ])("are the client's to fix in %s only when they name a field the caller says the client gave", async (_what, action, request, fresh = false) => {
      const refusal = () => failure({ action, code: 'INVALID_PARAMETER_VALUE', httpStatus: 400, message: 'imageName is invalid' });
      const zenlayer = make();
      client.call.mockRejectedValueOnce(refusal()).mockRejectedValueOnce(refusal());
      await expect(zenlayer.call(action, request as never, { fresh, clientFields: ['imageName'] })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: 'Zenlayer rejected the request: imageName is invalid',
      });
      await expect(zenlayer.call(action, request as never, { fresh })).rejects.toMatchObject({
        code: 'UPSTREAM_ERROR',
        details: { upstream: { action, code: 'INVALID_PARAMETER_VALUE' } },
      });
      expect(client.call).toHaveBeenCalledTimes(2);
    });
  });

  describe('refusals by the upstream policies', () => {
    it('an open circuit: UPSTREAM_UNAVAILABLE without calling Zenlayer, logged and audited', async () => {
      const zenlayer = make({ failureThreshold: 1 });
      client.call.mockRejectedValueOnce(failure({ action: 'DescribeZones', kind: 'network', code: 'GATEWAY_UPSTREAM_NETWORK_ERROR' }));
      await expect(zenlayer.call('DescribeZones', {})).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await expect(zenlayer.call('CreateImage', { instanceId: 'ins-1', imageName: 'web' })).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        details: { retryAfterSeconds: 5, upstream: { action: 'CreateImage', code: 'GATEWAY_CIRCUIT_OPEN' } },
      });
      expect(client.call).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith({ action: 'CreateImage', attempts: 0, outcome: 'GATEWAY_CIRCUIT_OPEN' }, 'upstream call not completed');
      expect(audit.info).toHaveBeenCalledWith(expect.objectContaining({ action: 'CreateImage', outcome: 'GATEWAY_CIRCUIT_OPEN', upstreamRequestId: undefined }), 'audit');
    });

    it('a full queue: RATE_LIMITED, counted as an upstream rate limit', async () => {
      const zenlayer = make({ concurrency: 1, concurrencyPerClient: 1, queueSize: 0 });
      let answer!: () => void;
      client.call.mockImplementationOnce((action) => new Promise((resolve) => (answer = () => resolve({ requestId: 'up-1', response: { answeredFor: action } }))));
      const first = zenlayer.call('DescribeImages', { pageNum: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      await expect(zenlayer.call('DescribeImages', { pageNum: 2 })).rejects.toMatchObject({
        code: 'RATE_LIMITED',
        details: { retryAfterSeconds: 1, upstream: { code: 'GATEWAY_UPSTREAM_QUEUE_FULL' } },
      });
      expect(metrics.rateLimited).toHaveBeenCalledWith('upstream');
      answer();
      await first;
    });

    it('the deadline passing during a write: its outcome is unknown, and the cached reads are dropped', async () => {
      const zenlayer = make();
      await zenlayer.call('DescribeImageQuota', {});
      client.call.mockImplementationOnce((_action, _request, options) => new Promise((_resolve, reject) => options!.signal!.addEventListener('abort', () => reject(failure({ kind: 'network' })))));
      const deadline = new AbortController();
      const write = zenlayer.call('CreateImage', { instanceId: 'ins-1', imageName: 'web' }, { signal: deadline.signal });
      await new Promise((resolve) => setImmediate(resolve));
      deadline.abort();
      await expect(write).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        details: { outcomeUnknown: true, upstream: { action: 'CreateImage', code: 'GATEWAY_DEADLINE_EXCEEDED' } },
      });
      await zenlayer.call('DescribeImageQuota', {});
      expect(client.call.mock.calls.map(([action]) => action)).toEqual(['DescribeImageQuota', 'CreateImage', 'DescribeImageQuota']);
    });
  });

  describe('logging', () => {
    it("lists each successful call on its request's own line, not on one of its own", async () => {
      const zenlayer = make();
      const context = await inRequest(async (context) => {
        await zenlayer.call('DescribeZones', {});
        await zenlayer.call('DescribeZones', {}); // from the cache: no call, no record
        await zenlayer.call('CreateImage', { instanceId: 'ins-1', imageName: 'web' });
        return context;
      });
      expect(context.upstream).toEqual([
        { action: 'DescribeZones', attempt: 1, durationMs: expect.any(Number), upstreamRequestId: 'up-1' },
        { action: 'CreateImage', attempt: 1, durationMs: expect.any(Number), upstreamRequestId: 'up-2' },
      ]);
      expect(logger.info).not.toHaveBeenCalled();
      expect(logger.debug).toHaveBeenCalledTimes(2);
    });

    it('gives a call outside any request a line of its own', async () => {
      await make().call('DescribeZones', {});
      expect(logger.info).toHaveBeenCalledWith({ action: 'DescribeZones', attempt: 1, durationMs: expect.any(Number), upstreamRequestId: 'up-1', outcome: 'OK' }, 'upstream call');
    });

    it('logs and measures a failed attempt with what Zenlayer said, secrets scrubbed, and maps it', async () => {
      const zenlayer = make();
      client.call.mockRejectedValueOnce(
        failure({ action: 'DescribeImage', code: 'INVALID_IMAGE_NOT_FOUND', httpStatus: 404, requestId: 'not a request id!', message: `no image, key ${SECRET}` }),
      );
      await expect(zenlayer.call('DescribeImage', { imageId: 'img-x' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        details: { upstream: { action: 'DescribeImage', code: 'INVALID_IMAGE_NOT_FOUND', requestId: 'UNRECOGNIZED_REQUEST_ID' } },
      });
      expect(metrics.upstreamCall).toHaveBeenCalledWith('DescribeImage', 'INVALID_IMAGE_NOT_FOUND', expect.any(Number));
      const [fields, message] = logger.warn.mock.calls[0];
      expect(message).toBe('upstream call failed');
      expect(fields).toMatchObject({ action: 'DescribeImage', attempt: 1, outcome: 'INVALID_IMAGE_NOT_FOUND', httpStatus: 404, upstreamRequestId: 'UNRECOGNIZED_REQUEST_ID' });
      expect(fields.upstreamMessage).toContain('no image');
      expect(fields.upstreamMessage).not.toContain(SECRET);
    });
  });
});
