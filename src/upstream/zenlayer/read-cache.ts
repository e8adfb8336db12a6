import KeyvRedis, { RedisClientType } from '@keyv/redis';
import { CacheableMemory } from '@cacheable/memory';
import { Cache, createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import { stableJson } from '../../common/stable-json';
import type { ZenlayerReadAction } from './actions';

export interface ReadCacheOptions {
  /** Time to live per read action; 0 turns caching of that action off (coalescing stays on). */
  ttlMs: Record<ZenlayerReadAction, number>;
  /** Shared store for several replicas (a connection the caller opens and closes); in memory when absent. */
  redis?: RedisClientType;
  /** Bound of the in-memory store, per action (least recently used entries go first). */
  maxEntriesPerAction?: number;
  /** Told about every read, for metrics: served from the cache, shared with a call in flight, or sent. */
  onRead?: (action: ZenlayerReadAction, outcome: 'hit' | 'coalesced' | 'miss') => void;
  /** Told when the store fails; reads then go upstream as if the cache were empty. */
  onStoreError?: (error: unknown) => void;
}

/**
 * Read-through cache and in-flight coalescing for upstream reads.
 *
 * - Identical reads (same action, same body) in flight at one moment share one call and its
 *   outcome, error included; an error is never stored.
 * - Answers are kept per action for its TTL, in memory or in Redis (cache-manager over Keyv).
 * - A write drops the reads it changes ({@link invalidate}); a read that was already under way
 *   when that happened is not stored, so it cannot put the old answer back.
 */
export class ReadCache {
  private readonly caches = new Map<ZenlayerReadAction, Cache>();
  private readonly generations = new Map<ZenlayerReadAction, number>();
  // Our own map rather than a global coalescing helper: it must be scoped to this instance and
  // to the generation, and say when a call was shared.
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly redis?: RedisClientType;

  constructor(private readonly options: ReadCacheOptions) {
    this.redis = options.redis;
    for (const [action, ttl] of Object.entries(options.ttlMs) as [ZenlayerReadAction, number][]) {
      if (ttl <= 0) continue;
      const store = this.redis
        ? new KeyvRedis(this.redis)
        : new CacheableMemory({ lruSize: options.maxEntriesPerAction ?? 2000, checkInterval: 60_000 });
      const keyv = new Keyv({ store, namespace: `zenlayer-gateway:${action}` });
      keyv.on('error', (error: unknown) => options.onStoreError?.(error));
      this.caches.set(action, createCache({ stores: [keyv], ttl }));
    }
  }

  async read<T>(action: ZenlayerReadAction, request: unknown, fetch: () => Promise<T>): Promise<T> {
    // Taken before anything is awaited: a write that lands from here on makes this read stale.
    const generation = this.generations.get(action) ?? 0;
    const key = cacheKey(request);
    const cache = this.usable(this.caches.get(action));
    if (cache) {
      const hit = await cache.get<T>(key).catch((error: unknown) => this.storeFailed(error));
      if (hit !== undefined && hit !== null) {
        this.options.onRead?.(action, 'hit');
        return hit;
      }
    }
    const flightKey = `${action}:${generation}:${key}`;
    const shared = this.inFlight.get(flightKey);
    if (shared) {
      this.options.onRead?.(action, 'coalesced');
      return shared as Promise<T>;
    }
    this.options.onRead?.(action, 'miss');
    const call = (async () => {
      try {
        const value = await fetch();
        if (cache && (this.generations.get(action) ?? 0) === generation) {
          await cache.set(key, value).catch((error: unknown) => this.storeFailed(error));
        }
        return value;
      } finally {
        this.inFlight.delete(flightKey);
      }
    })();
    this.inFlight.set(flightKey, call);
    return call;
  }

  /** Drops every cached answer of these actions, here and, with Redis, for every replica. */
  async invalidate(actions: readonly ZenlayerReadAction[]): Promise<void> {
    for (const action of actions) this.generations.set(action, (this.generations.get(action) ?? 0) + 1);
    await Promise.all(
      actions.map((action) => this.usable(this.caches.get(action))?.clear().catch((error: unknown) => this.storeFailed(error))),
    );
  }

  async close(): Promise<void> {
    // A Redis connection belongs to whoever opened it; only in-memory stores are ours to close.
    if (!this.redis) await Promise.all([...this.caches.values()].map((cache) => cache.disconnect().catch(() => undefined)));
  }

  /** The cache of an action, unless its store is Redis and Redis is not connected now. */
  private usable(cache: Cache | undefined): Cache | undefined {
    return cache && (!this.redis || this.redis.isReady) ? cache : undefined;
  }

  private storeFailed(error: unknown): undefined {
    this.options.onStoreError?.(error);
    return undefined;
  }
}

/** Same request, same key, whatever the order of its fields; hashed to keep store keys short. */
export function cacheKey(request: unknown): string {
  return createHash('sha256').update(stableJson(request)).digest('base64url');
}
