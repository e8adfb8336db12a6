import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { GatewayError } from '../../common/gateway-error';
import { currentRequest } from '../../common/request-context';
import { stableJson } from '../../common/stable-json';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import type { CreateImageInput } from './dto/images.args';
import { IdempotencyRecord, IdempotencyStore } from './idempotency.store';
import { CreatedImage, ImagesService } from './images.service';

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * createImage with an idempotency key: a repeat with the same key and input returns the first
 * result without calling Zenlayer again, even when the repeats arrive together (later ones
 * wait for the first); the same key with other input is refused; a definitive refusal by
 * Zenlayer is remembered; after a failure that leaves the outcome unknown, a repeat first
 * looks for the image by name and creates only if it is not there. Keys are per client.
 */
@Injectable()
export class IdempotentCreateService {
  private readonly ttlMs: number;
  private readonly lockMs: number;

  constructor(
    private readonly images: ImagesService,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.ttlMs = config.idempotencyTtlSeconds * 1000;
    // A holder that died releases the key once its own request could no longer be running.
    this.lockMs = config.requestDeadlineMs + 5000;
  }

  async create(client: string, idempotencyKey: string, input: CreateImageInput): Promise<CreatedImage> {
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
          return this.settled(record, fingerprint) ?? (await this.perform(key, fingerprint, input, record));
        } finally {
          await this.store.unlock(key, token);
        }
      }
      // Another request with this key is creating the image: wait for its outcome.
      if (deadline?.aborted) {
        throw new GatewayError('UPSTREAM_UNAVAILABLE', 'A request with this idempotency key is still being carried out; retry shortly with the same key');
      }
      await sleep(50);
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
      const { code, message, upstream } = record.error!;
      throw new GatewayError(code as GatewayError['code'], message, { upstream });
    }
    return undefined;
  }

  private async perform(key: string, fingerprint: string, input: CreateImageInput, previous?: IdempotencyRecord): Promise<CreatedImage> {
    if (previous) {
      // An earlier attempt may have created the image although its answer was lost.
      const existing = await this.images.findCreatedByName(input.name);
      if (existing) {
        await this.store.set(key, { fingerprint, state: 'done', result: existing }, this.ttlMs);
        return existing;
      }
    }
    await this.store.set(key, { fingerprint, state: 'pending' }, this.ttlMs);
    try {
      const created = await this.images.create(input);
      await this.store.set(key, { fingerprint, state: 'done', result: created }, this.ttlMs);
      return created;
    } catch (error) {
      await this.remember(key, fingerprint, error);
      throw error;
    }
  }

  private async remember(key: string, fingerprint: string, error: unknown): Promise<void> {
    if (!(error instanceof GatewayError)) return this.store.set(key, { fingerprint, state: 'ambiguous' }, this.ttlMs);
    if (error.details.outcomeUnknown) return this.store.set(key, { fingerprint, state: 'ambiguous' }, this.ttlMs);
    const answeredByZenlayer = error.details.upstream?.requestId !== undefined;
    if (answeredByZenlayer && error.code !== 'RATE_LIMITED' && error.code !== 'UPSTREAM_UNAVAILABLE') {
      const { code, message, details } = error;
      return this.store.set(key, { fingerprint, state: 'failed', error: { code, message, upstream: details.upstream } }, this.ttlMs);
    }
    // Not sent, or refused without acting (throttled, circuit open, queue full): a repeat may try again.
    return this.store.delete(key);
  }
}
