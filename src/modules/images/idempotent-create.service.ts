import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { GatewayError } from '../../common/errors';
import { currentRequest } from '../../common/request-context';
import { stableJson } from '../../common/stable-json';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import type { CreateImageInput } from './dto/images.args';
import { IdempotencyRecord, IdempotencyStore } from './idempotency.store';
import type { CreatedImage, Image } from './models/image.model';

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often a repeat waiting for the settle window is told to come back, at most. */
const SETTLE_POLL_SECONDS = 5;
/** How often a repeat polls the key's lock while another request with the key is under way. */
const LOCK_POLL_MS = 50;

/**
 * Zenlayer's refusals of CreateImage that the same input can never overcome, so a key remembers
 * them (the upstream error mapping marks them `final`). Everything else (instance running, disk
 * busy or unavailable, quota full, throttling, Zenlayer unavailable, the gateway's own
 * credentials or clock, the gateway's own refusals) may pass on a repeat.
 */
const isFinalRefusal = (error: GatewayError): boolean => error.details.final === true && error.details.upstream?.requestId !== undefined;

/**
 * What an idempotent create needs of Zenlayer, handed in by the images service that owns it (so
 * that the dependency points one way: the service uses this class, never the reverse).
 */
export interface ImageMaker {
  /** One CreateImage, as it is: no retry, no idempotency. */
  create(input: CreateImageInput): Promise<CreatedImage>;
  /** Every custom image named exactly `input.name` where CreateImage would make it (the instance's zone), read from Zenlayer now (past the cache). */
  customImagesNamed(input: CreateImageInput): Promise<{ requestId: string; images: Image[] }>;
  /** Told of an image an earlier attempt made that was found by name: it is noted as a create's would be. */
  recovered(input: CreateImageInput, image: Image): Promise<void>;
}

/**
 * createImage with an idempotency key: one image per key and input, however often and however
 * concurrently the client repeats, and whatever Zenlayer does meanwhile.
 *
 * - A repeat of a settled key answers its result (or its final refusal) without calling Zenlayer.
 * - Concurrent repeats wait for the one under way (a lock per key, shared through Redis).
 * - Before a key's first CreateImage, the custom images that already carry the name are noted:
 *   they are never taken for this key's image.
 * - After a CreateImage whose outcome is unknown (timeout, reset, 5xx after sending), Zenlayer may
 *   still carry it out. For the settle window a repeat only looks for the image and, if it is not
 *   there yet, answers a retryable error; after the window it looks once more, then creates.
 */
@Injectable()
export class IdempotentCreateService {
  private readonly logger = new Logger(IdempotentCreateService.name);
  private readonly ttlMs: number;
  private readonly lockMs: number;
  private readonly settleMs: number;
  private readonly deadlineMs: number;

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.ttlMs = config.idempotencyTtlSeconds * 1000;
    this.settleMs = config.idempotencySettleSeconds * 1000;
    this.deadlineMs = config.requestDeadlineMs;
    // The holder's work ends with its request's deadline; a holder that died frees the key soon after.
    this.lockMs = config.requestDeadlineMs + 1000;
  }

  /** Creates the image of `input` once per `client` and `idempotencyKey`, through `images`. */
  async create(client: string, idempotencyKey: string, input: CreateImageInput, images: ImageMaker): Promise<CreatedImage> {
    const key = `${client}:${sha256(idempotencyKey)}`;
    const fingerprint = sha256(stableJson({ instanceId: input.instanceId, name: input.name, description: input.description ?? null }));
    const deadline = currentRequest()?.deadline;

    for (;;) {
      const settled = this.settled(await this.store.get(key), fingerprint);
      if (settled) return settled;
      const token = await this.store.lock(key, this.lockMs);
      if (token) {
        try {
          const record = await this.store.get(key);
          return this.settled(record, fingerprint) ?? (await this.proceed(images, key, fingerprint, input, record));
        } finally {
          await this.store.unlock(key, token);
        }
      }
      // Another request with this key is under way: wait for its outcome.
      if (deadline?.aborted) {
        throw new GatewayError('UPSTREAM_UNAVAILABLE', 'A request with this idempotency key is still being carried out; retry shortly with the same key', {
          retryAfterSeconds: 1,
        });
      }
      await sleep(LOCK_POLL_MS);
    }
  }

  /** The remembered outcome for this key, if there is one to give; throws it if it was a refusal. */
  private settled(record: IdempotencyRecord | undefined, fingerprint: string): CreatedImage | undefined {
    if (!record) return undefined;
    if (record.fingerprint !== fingerprint) {
      throw new GatewayError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different input: use a new key for a new image');
    }
    if (record.state === 'done') return record.result;
    if (record.state === 'failed') {
      const { code, message, upstream, blocker } = record.error!;
      throw new GatewayError(code as GatewayError['code'], message, { upstream, blocker });
    }
    return undefined;
  }

  /** With the key's lock held and no settled outcome: recover an earlier attempt's image, wait, or create. */
  private async proceed(
    images: ImageMaker,
    key: string,
    fingerprint: string,
    input: CreateImageInput,
    record: IdempotencyRecord | undefined,
  ): Promise<CreatedImage> {
    if (!record) {
      const named = await images.customImagesNamed(input);
      return this.attempt(images, key, fingerprint, input, { fingerprint, state: 'pending', preexisting: named.images.map((image) => image.id) });
    }
    // A `pending` record seen by a lock holder is an attempt whose holder died: its outcome is unknown too.
    if (record.settleUntil !== undefined) {
      const found = await this.findEarlierAttempt(images, input, record.preexisting ?? []);
      if (found) {
        await this.save(key, { ...record, state: 'done', result: found });
        return found;
      }
      const remainingMs = record.settleUntil - Date.now();
      if (remainingMs > 0) throw settling(remainingMs);
    }
    return this.attempt(images, key, fingerprint, input, record);
  }

  /** One CreateImage, with the record saying what may have happened at every step. */
  private async attempt(images: ImageMaker, key: string, fingerprint: string, input: CreateImageInput, previous: IdempotencyRecord): Promise<CreatedImage> {
    const base: IdempotencyRecord = { fingerprint, state: 'pending', preexisting: previous.preexisting };
    // Should this holder vanish mid-call, the call may land until its deadline and the settle window after it.
    await this.store.set(key, { ...base, settleUntil: Date.now() + this.deadlineMs + this.settleMs }, this.ttlMs);
    let created: CreatedImage;
    try {
      created = await images.create(input);
    } catch (error) {
      throw await this.afterFailure(key, base, previous, error);
    }
    // The image exists now whatever the store says: a store failure here must not hide it. The
    // record stays `pending`, and the next repeat finds the image by name.
    await this.save(key, { ...base, state: 'done', result: created }).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'image created but its idempotency record could not be saved'),
    );
    return created;
  }

  /** Records what a failed CreateImage leaves behind and returns the error to give the client. */
  private async afterFailure(key: string, base: IdempotencyRecord, previous: IdempotencyRecord, error: unknown): Promise<unknown> {
    let record: IdempotencyRecord | undefined;
    let answer: unknown = error;
    if (!(error instanceof GatewayError) || error.details.outcomeUnknown) {
      record = { ...base, state: 'unsettled', settleUntil: Date.now() + this.settleMs };
      if (error instanceof GatewayError) {
        answer = new GatewayError(
          error.code,
          `${error.message}. Zenlayer may still create the image: repeat with the same idempotency key (not a new one) to get its id`,
          { ...error.details, retryAfterSeconds: Math.min(SETTLE_POLL_SECONDS, Math.ceil(this.settleMs / 1000)) },
        );
      }
    } else if (isFinalRefusal(error)) {
      const { code, message, details } = error;
      record = { ...base, state: 'failed', error: { code, message, upstream: details.upstream, blocker: details.blocker } };
    } else {
      // Not carried out, and a repeat may do better; an earlier unknown attempt still counts.
      record = { ...base, state: 'retryable', settleUntil: previous.settleUntil };
    }
    await this.save(key, record).catch((storeError: unknown) =>
      // The `pending` record stays, which is the careful reading: the attempt may land until its deadline and settle window.
      this.logger.warn({ err: storeError }, 'the outcome of a create could not be saved to the idempotency store'),
    );
    return answer;
  }

  /** The image an earlier attempt of this key made, if Zenlayer shows one: exact name, custom, not there before the key. */
  private async findEarlierAttempt(images: ImageMaker, input: CreateImageInput, preexisting: readonly string[]): Promise<CreatedImage | undefined> {
    const named = await images.customImagesNamed(input);
    const candidates = named.images.filter((image) => !preexisting.includes(image.id));
    // Several new images of this name can only come from elsewhere too; one still being made is most likely ours.
    const match = candidates.find((image) => image.status === 'CREATING') ?? candidates[0];
    if (!match) return undefined;
    await images.recovered(input, match);
    return { imageId: match.id, requestId: named.requestId };
  }

  private save(key: string, record: IdempotencyRecord): Promise<void> {
    return this.store.set(key, record, this.ttlMs);
  }
}

function settling(remainingMs: number): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.min(SETTLE_POLL_SECONDS, Math.ceil(remainingMs / 1000)));
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    `An earlier attempt with this idempotency key may still be carried out by Zenlayer, and its image is not there yet; nothing new was created. Retry with the same key in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}
