import type { RedisClientType } from '@keyv/redis';
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../common/errors';

/**
 * What is remembered of one idempotency key.
 * - `pending`: a CreateImage is under way (or its holder died while it was).
 * - `unsettled`: the last CreateImage's outcome is unknown: Zenlayer may still carry it out.
 * - `retryable`: the last attempt was refused in a way a repeat may overcome.
 * - `done`: it succeeded (`result`). `failed`: refused in a way the same input never overcomes (`error`).
 */
export interface IdempotencyRecord {
  /** Hash of the input the key was first used with. */
  fingerprint: string;
  state: 'pending' | 'unsettled' | 'retryable' | 'done' | 'failed';
  /** Ids of the custom images that had the requested name before the key's first CreateImage: never this key's image. */
  preexisting?: string[];
  /**
   * Set once an attempt may have been carried out without the gateway hearing of it: until this
   * time (ms since the epoch) it may still land, so nothing new is created; after it, the image
   * is looked for once more before creating.
   */
  settleUntil?: number;
  result?: { imageId: string; requestId: string };
  error?: { code: string; message: string; upstream?: { action: string; code: string; requestId?: string }; blocker?: string };
}

/** Storage of idempotency records and short locks, in memory or in Redis (shared by replicas). */
export interface IdempotencyStore {
  get(key: string): Promise<IdempotencyRecord | undefined>;
  set(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Takes the key's lock unless someone holds it; returns a token to release it with, or undefined. */
  lock(key: string, ttlMs: number): Promise<string | undefined>;
  unlock(key: string, token: string): Promise<void>;
}

/** One process's memory. Expired entries are swept so the map stays bounded by the TTL. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000);

  constructor() {
    this.sweeper.unref();
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const value = this.read(`record:${key}`);
    return value === undefined ? undefined : (JSON.parse(value) as IdempotencyRecord);
  }

  async set(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    this.entries.set(`record:${key}`, { value: JSON.stringify(record), expiresAt: Date.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(`record:${key}`);
  }

  async lock(key: string, ttlMs: number): Promise<string | undefined> {
    if (this.read(`lock:${key}`) !== undefined) return undefined;
    const token = randomUUID();
    this.entries.set(`lock:${key}`, { value: token, expiresAt: Date.now() + ttlMs });
    return token;
  }

  async unlock(key: string, token: string): Promise<void> {
    if (this.read(`lock:${key}`) === token) this.entries.delete(`lock:${key}`);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

const RELEASE_IF_OWNER = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Redis, shared by every replica. When Redis cannot be reached the key cannot be checked, so
 * an idempotent create is refused rather than risk a second image.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly redis: RedisClientType) {}

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const value = await this.run(() => this.redis.get(`zlgw:idem:record:${key}`));
    return value ? (JSON.parse(value) as IdempotencyRecord) : undefined;
  }

  async set(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    await this.run(() => this.redis.set(`zlgw:idem:record:${key}`, JSON.stringify(record), { PX: ttlMs }));
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.del(`zlgw:idem:record:${key}`));
  }

  async lock(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const taken = await this.run(() => this.redis.set(`zlgw:idem:lock:${key}`, token, { NX: true, PX: ttlMs }));
    return taken === 'OK' ? token : undefined;
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.run(() => this.redis.eval(RELEASE_IF_OWNER, { keys: [`zlgw:idem:lock:${key}`], arguments: [token] })).catch(() => undefined);
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (!this.redis.isReady) throw storeUnavailable();
    try {
      return await command();
    } catch {
      throw storeUnavailable();
    }
  }
}

const storeUnavailable = () =>
  new GatewayError(
    'STORE_UNAVAILABLE',
    'The idempotency store (Redis) cannot be reached, so the key cannot be checked; nothing was created. Retry shortly with the same key',
    { retryAfterSeconds: 1 },
  );
