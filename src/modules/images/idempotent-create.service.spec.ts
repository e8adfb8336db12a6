import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventEmitter } from 'node:events';
import { GatewayError } from '../../common/errors';
import { requestContextHook } from '../../common/request-context';
import type { GatewayConfig } from '../../config';
import type { CreateImageInput } from './dto/images.args';
import { IdempotencyRecord, IdempotencyStore, MemoryIdempotencyStore } from './idempotency.store';
import { IdempotentCreateService, ImageMaker } from './idempotent-create.service';
import { ImageStatus, ImageType, type CreatedImage, type Image } from './models/image.model';

const SETTLE_SECONDS = 60;
const config = { idempotencyTtlSeconds: 86400, idempotencySettleSeconds: SETTLE_SECONDS, requestDeadlineMs: 30000 } as GatewayConfig;
const input: CreateImageInput = { instanceId: 'ins-1', name: 'web' };

const image = (id: string, status = ImageStatus.AVAILABLE): Image => ({
  id,
  name: 'web',
  type: ImageType.CUSTOM_IMAGE,
  status,
  sizeGb: 40,
  description: null,
  version: null,
  category: null,
  osType: null,
  zoneId: 'FRA-A',
});

const upstreamError = (code: GatewayError['code'], upstreamCode: string, extra: Partial<GatewayError['details']> = {}) =>
  new GatewayError(code, `refused: ${upstreamCode}`, { upstream: { action: 'CreateImage', code: upstreamCode, requestId: 'req-up' }, ...extra });

const unknownOutcome = () =>
  new GatewayError('UPSTREAM_UNAVAILABLE', 'Zenlayer did not answer in time; try again shortly', {
    upstream: { action: 'CreateImage', code: 'GATEWAY_UPSTREAM_TIMEOUT' },
    outcomeUnknown: true,
  });

/** A stand-in for Zenlayer as ImagesService shows it: a list of custom images named `web`, and scripted CreateImage outcomes. */
class FakeImages implements ImageMaker {
  named: Image[] = [];
  readonly createOutcomes: Array<() => CreatedImage> = [];
  creates = 0;
  lookups = 0;
  /** What each lookup by name was asked for. */
  readonly lookedUpFor: CreateImageInput[] = [];
  /** The images an earlier attempt made that were found by name, and for what input. */
  readonly recoveries: Array<{ input: CreateImageInput; imageId: string }> = [];

  async customImagesNamed(input: CreateImageInput): Promise<{ requestId: string; images: Image[] }> {
    this.lookups++;
    this.lookedUpFor.push(input);
    return { requestId: `req-lookup-${this.lookups}`, images: [...this.named] };
  }

  async recovered(input: CreateImageInput, found: Image): Promise<void> {
    this.recoveries.push({ input, imageId: found.id });
  }

  async create(): Promise<CreatedImage> {
    this.creates++;
    const next = this.createOutcomes.shift();
    if (next) return next();
    const created = { imageId: `img-new-${this.creates}`, requestId: `req-create-${this.creates}` };
    this.named.push(image(created.imageId, ImageStatus.CREATING));
    return created;
  }
}

/** Runs `work` as the gateway runs a client request: in its context, with its deadline. */
const inRequest = <T>(deadlineMs: number, work: () => Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const reply = { header: () => reply, raw: new EventEmitter() };
    requestContextHook(deadlineMs)({ raw: { headers: {} } } as unknown as FastifyRequest, reply as unknown as FastifyReply, () => {
      work()
        .then(resolve, reject)
        .finally(() => reply.raw.emit('close'));
    });
  });

describe(IdempotentCreateService.name, () => {
  let images: FakeImages;
  let store: MemoryIdempotencyStore;
  let service: IdempotentCreateService;
  let now: number;

  const make = (withStore: IdempotencyStore = store) => new IdempotentCreateService(withStore, config);
  const attempt = (s = service): Promise<{ created?: CreatedImage; error?: GatewayError }> =>
    s.create('key:ops', 'k-1', input, images).then(
      (created) => ({ created }),
      (error: GatewayError) => ({ error }),
    );

  beforeEach(() => {
    now = Date.parse('2026-12-01T20:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    images = new FakeImages();
    store = new MemoryIdempotencyStore();
    service = make();
  });
  afterEach(() => {
    store.close();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  /** Holds every CreateImage until `release` is called. */
  const holdCreates = () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const create = images.create.bind(images);
    images.create = async () => {
      await gate;
      return create();
    };
    return release;
  };

  it('makes a concurrent repeat wait for the attempt under way, and answers it the same', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    const release = holdCreates();
    const first = attempt();
    const second = attempt();
    await jest.advanceTimersByTimeAsync(500); // the second polls the key's lock meanwhile
    release();
    await jest.advanceTimersByTimeAsync(100);
    const [a, b] = await Promise.all([first, second]);
    expect(a.created).toEqual({ imageId: 'img-new-1', requestId: 'req-create-1' });
    expect(b).toEqual(a);
    expect(images.creates).toBe(1);
  });

  it('stops waiting for the attempt under way at its own request deadline, creating nothing', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    const release = holdCreates();
    const first = attempt();
    const second = inRequest(300, () => attempt());
    await jest.advanceTimersByTimeAsync(400);
    await expect(second).resolves.toMatchObject({
      error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/still being carried out/), details: { retryAfterSeconds: 1 } },
    });
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect((await first).created).toEqual({ imageId: 'img-new-1', requestId: 'req-create-1' });
    expect(images.creates).toBe(1);
  });

  it('answers a repeat from the record without calling Zenlayer again', async () => {
    const first = await attempt();
    const second = await attempt();
    expect(second).toEqual(first);
    expect(images.creates).toBe(1);
    expect(images.lookups).toBe(1); // the names seen before the first create
    expect(images.recoveries).toEqual([]);
  });

  it('looks up the names for the whole input: where the image would be made depends on the instance', async () => {
    const withDescription = { ...input, description: 'd' };
    await service.create('key:ops', 'k-1', withDescription, images);
    expect(images.lookedUpFor).toEqual([withDescription]);
  });

  it('after an unknown outcome creates nothing within the settle window and tells when to come back', async () => {
    images.createOutcomes.push(() => {
      throw unknownOutcome();
    });
    const first = await attempt();
    expect(first.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    expect(first.error!.message).toMatch(/repeat with the same idempotency key/);

    now += 10_000;
    const early = await attempt();
    expect(early.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    expect(early.error!.message).toMatch(/nothing new was created/);
    expect(images.creates).toBe(1);

    now += (SETTLE_SECONDS - 12) * 1000;
    expect((await attempt()).error).toMatchObject({ details: { retryAfterSeconds: 2 } });
    expect(images.creates).toBe(1);
  });

  it('finds the image a late-landing create made, during the window, and remembers it', async () => {
    images.createOutcomes.push(() => {
      throw unknownOutcome();
    });
    await attempt();
    images.named.push(image('img-landed', ImageStatus.CREATING)); // Zenlayer carried it out after all
    now += 3000;
    expect(await attempt()).toEqual({ created: { imageId: 'img-landed', requestId: expect.any(String) } });
    expect(await attempt()).toEqual({ created: { imageId: 'img-landed', requestId: expect.any(String) } });
    expect(images.creates).toBe(1);
    // Noted once, as a create's image would be (its zone, its instance), with the input it was asked for.
    expect(images.recoveries).toEqual([{ input, imageId: 'img-landed' }]);
    expect(images.lookedUpFor.every((asked) => asked === input)).toBe(true);
  });

  it('notes nothing as recovered when the lookup finds no new image', async () => {
    images.createOutcomes.push(() => {
      throw unknownOutcome();
    });
    await attempt();
    now += 3000;
    expect((await attempt()).error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(images.recoveries).toEqual([]);
  });

  it('after the window looks once more, then creates', async () => {
    images.createOutcomes.push(() => {
      throw unknownOutcome();
    });
    await attempt();
    now += SETTLE_SECONDS * 1000 + 1;
    const lookupsBefore = images.lookups;
    const late = await attempt();
    expect(late).toEqual({ created: { imageId: 'img-new-2', requestId: 'req-create-2' } });
    expect(images.lookups).toBe(lookupsBefore + 1);
    expect(images.creates).toBe(2);
  });

  it('never takes an image that had the name before the key was first used', async () => {
    images.named.push(image('img-older'));
    images.createOutcomes.push(() => {
      throw unknownOutcome();
    });
    await attempt();
    now += 1000;
    expect((await attempt()).error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    now += SETTLE_SECONDS * 1000;
    const created = await attempt();
    expect(created.created!.imageId).not.toBe('img-older');
    expect(images.creates).toBe(2);
  });

  it('prefers an image still being made when several new ones carry the name', async () => {
    images.createOutcomes.push(() => {
      throw unknownOutcome();
    });
    await attempt();
    images.named.push(image('img-other-ready'), image('img-ours', ImageStatus.CREATING));
    expect((await attempt()).created!.imageId).toBe('img-ours');
    expect(images.recoveries).toEqual([{ input, imageId: 'img-ours' }]);
  });

  // Which refusals are final is the upstream error mapping's call (error-mapping.spec.ts).
  it.each([
    ['an unknown instance', upstreamError('NOT_FOUND', 'INVALID_INSTANCE_NOT_FOUND', { final: true })],
    ['a zone that cannot make images', upstreamError('FAILED_PRECONDITION', 'UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT', { final: true })],
    ['input Zenlayer finds invalid', upstreamError('BAD_USER_INPUT', 'INVALID_PARAMETER_PATTERN_ERROR', { final: true })],
  ])('remembers a refusal the same input can never overcome: %s', async (_case, refusal) => {
    images.createOutcomes.push(() => {
      throw refusal;
    });
    const first = await attempt();
    const second = await attempt();
    expect(second.error).toMatchObject({ code: refusal.code, message: refusal.message, details: { upstream: refusal.details.upstream } });
    expect(first.error).toBe(refusal);
    expect(images.creates).toBe(1);
  });

  it.each([
    ['instance not powered off', upstreamError('FAILED_PRECONDITION', 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING')],
    ['disk busy making an image', upstreamError('FAILED_PRECONDITION', 'Unsupported.Operation.Disk.Making.Image')],
    ['disk unavailable', upstreamError('FAILED_PRECONDITION', 'UNSUPPORTED_OPERATION_DISK_UNAVAILABLE')],
    ['quota full', upstreamError('QUOTA_EXCEEDED', 'LIMIT_EXCEEDED_IMAGE_QUOTA')],
    ['throttled', upstreamError('RATE_LIMITED', 'REQUEST_LIMIT_EXCEEDED', { retryAfterSeconds: 1 })],
    ['Zenlayer unavailable before acting', upstreamError('UPSTREAM_UNAVAILABLE', 'SERVICE_TEMPORARY_UNAVAILABLE')],
    ['the gateway clock skewed', upstreamError('UPSTREAM_ERROR', 'AUTHFAILURE_SIGNATURE_EXPIRED')],
    ['the gateway credentials wrong', upstreamError('UPSTREAM_ERROR', 'AuthFailure.Signature.Failure')],
    ['the gateway circuit open (not sent)', new GatewayError('UPSTREAM_UNAVAILABLE', 'circuit open', { upstream: { action: 'CreateImage', code: 'GATEWAY_CIRCUIT_OPEN' } })],
  ])('does not remember a refusal a repeat may overcome: %s', async (_case, refusal) => {
    images.createOutcomes.push(() => {
      throw refusal;
    });
    expect((await attempt()).error).toBe(refusal);
    expect(await attempt()).toEqual({ created: { imageId: 'img-new-2', requestId: 'req-create-2' } });
    expect(images.creates).toBe(2);
  });

  it('refuses the key with another input', async () => {
    await attempt();
    await expect(service.create('key:ops', 'k-1', { ...input, name: 'other' }, images)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(images.creates).toBe(1);
  });

  it('keeps keys of different clients apart', async () => {
    await service.create('key:ops', 'k-1', input, images);
    await service.create('jwt:https://id.example.com#ops', 'k-1', input, images);
    expect(images.creates).toBe(2);
  });

  it('still answers the image when its record cannot be saved, and a repeat finds it by name', async () => {
    let failSaves = false;
    const flaky: IdempotencyStore = {
      get: (key) => store.get(key),
      set: (key, record: IdempotencyRecord, ttl) => (failSaves && record.state === 'done' ? Promise.reject(new Error('store down')) : store.set(key, record, ttl)),
      delete: (key) => store.delete(key),
      lock: (key, ttl) => store.lock(key, ttl),
      unlock: (key, token) => store.unlock(key, token),
    };
    service = make(flaky);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    failSaves = true;
    const first = await attempt();
    expect(first.created).toEqual({ imageId: 'img-new-1', requestId: 'req-create-1' });
    expect(warn).toHaveBeenCalledWith(expect.anything(), 'image created but its idempotency record could not be saved');
    failSaves = false;
    const repeat = await attempt();
    expect(repeat.created!.imageId).toBe('img-new-1');
    expect(images.creates).toBe(1);
  });

  it('creates nothing when the store cannot be reached', async () => {
    const down: IdempotencyStore = {
      get: () => Promise.reject(new GatewayError('STORE_UNAVAILABLE', 'store down')),
      set: () => Promise.reject(new GatewayError('STORE_UNAVAILABLE', 'store down')),
      delete: () => Promise.reject(new GatewayError('STORE_UNAVAILABLE', 'store down')),
      lock: () => Promise.reject(new GatewayError('STORE_UNAVAILABLE', 'store down')),
      unlock: () => Promise.resolve(),
    };
    expect((await attempt(make(down))).error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(images.creates).toBe(0);
  });

  it('treats an attempt whose holder vanished as one whose outcome is unknown', async () => {
    images.createOutcomes.push(() => {
      throw new Error('never reached');
    });
    images.create = () => new Promise<CreatedImage>(() => undefined); // the holder's call never ends: it died with it
    void attempt();
    await new Promise((resolve) => setImmediate(resolve));
    now += config.requestDeadlineMs + 2000; // its lock has expired
    expect((await attempt()).error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/nothing new was created/) });
    images.named.push(image('img-from-vanished', ImageStatus.CREATING));
    expect((await attempt()).created!.imageId).toBe('img-from-vanished');
  });
});
