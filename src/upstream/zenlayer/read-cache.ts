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
 * Longest request text used as it is for an in-memory key; longer ones (long id lists) are
 * hashed so that a full store stays small.
 */
const MAX_PLAIN_KEY_LENGTH = 512;

/**
 * Read-through cache and in-flight coalescing for upstream reads.
 *
 * - Identical reads (same action, same body) in flight at one moment share one call and its
 *   outcome, error included; an error is never stored.
 * - Answers are kept per action for its TTL, in memory or in Redis.
 * - A write drops the reads it changes ({@link invalidate}); a read that was already under way
 *   when that happened is not stored, so it cannot put the old answer back.
 *
 * The two stores are reached differently, on purpose. A hit must be the cheapest read there is,
 * and through cache-manager and Keyv an in-memory hit cost several times an upstream-less miss:
 * Keyv serializes every answer to a string and parses it back (with a reviver) on every hit,
 * each layer adds promises, hooks and stats, and the store hashed each key again to pick a shard.
 * So the in-memory store is a {@link CacheableMemory} used directly and synchronously, holding
 * the answer object itself. Redis keeps cache-manager over Keyv and @keyv/redis (same namespace,
 * same hashed keys, same encoding), which is what lets replicas share answers and invalidations.
 */
export class ReadCache {
  private readonly memory = new Map<ZenlayerReadAction, CacheableMemory>();
  private readonly shared = new Map<ZenlayerReadAction, Cache>();
  private readonly generations = new Map<ZenlayerReadAction, number>();
  // Our own map rather than a global coalescing helper: it must be scoped to this instance and
  // to the generation, and say when a call was shared.
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly redis?: RedisClientType;

  constructor(private readonly options: ReadCacheOptions) {
    this.redis = options.redis;
    for (const [action, ttl] of Object.entries(options.ttlMs) as [ZenlayerReadAction, number][]) {
      if (ttl <= 0) continue;
      if (this.redis) {
        const keyv = new Keyv({ store: new KeyvRedis(this.redis), namespace: `zenlayer-gateway:${action}` });
        keyv.on('error', (error: unknown) => options.onStoreError?.(error));
        this.shared.set(action, createCache({ stores: [keyv], ttl }));
      } else {
        const store = new CacheableMemory({
          ttl,
          lruSize: options.maxEntriesPerAction ?? 2000,
          // Expired entries are dropped when read; the sweep only frees those never read again.
          checkInterval: 60_000,
          // The answer itself, not a copy: copying is what made hits slow (see above). Callers
          // already get one shared object when reads coalesce, so they treat answers as read-only.
          useClone: false,
          // One shard: several only spread keys over Maps, at the price of hashing every key.
          storeHashSize: 1,
        });
        store.on('error', (error: unknown) => options.onStoreError?.(error));
        this.memory.set(action, store);
      }
    }
  }

  // Not `async`: a hit in memory needs no await, and an async function that returns the shared
  // call's promise would add turns of the microtask queue to every read.
  read<T>(action: ZenlayerReadAction, request: unknown, fetch: () => Promise<T>): Promise<T> {
    try {
      // Taken before anything is awaited: a write that lands from here on makes this read stale.
      const generation = this.generations.get(action) ?? 0;
      const json = stableJson(request);
      const key = localKey(json);
      const memory = this.memory.get(action);
      if (memory) {
        const hit = this.memoryGet<T>(memory, key);
        if (hit !== undefined) {
          this.options.onRead?.(action, 'hit');
          return Promise.resolve(hit);
        }
        return this.fetchOnce(action, generation, key, fetch, (value) => this.memorySet(memory, key, value));
      }
      const cache = this.usable(this.shared.get(action));
      if (cache) return this.readShared(cache, action, generation, key, json, fetch);
      return this.fetchOnce(action, generation, key, fetch);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Drops every cached answer of these actions, here and, with Redis, for every replica. */
  async invalidate(actions: readonly ZenlayerReadAction[]): Promise<void> {
    for (const action of actions) this.generations.set(action, (this.generations.get(action) ?? 0) + 1);
    for (const action of actions) {
      try {
        this.memory.get(action)?.clear();
      } catch (error) {
        this.storeFailed(error);
      }
    }
    await Promise.all(
      actions.map((action) => this.usable(this.shared.get(action))?.clear().catch((error: unknown) => this.storeFailed(error))),
    );
  }

  async close(): Promise<void> {
    // A Redis connection belongs to whoever opened it; only in-memory stores are ours to close.
    for (const store of this.memory.values()) {
      store.stopIntervalCheck();
      store.clear();
    }
  }

  /** Through Redis: a network round trip, so the cost of cache-manager and Keyv does not matter. */
  private async readShared<T>(cache: Cache, action: ZenlayerReadAction, generation: number, key: string, json: string, fetch: () => Promise<T>): Promise<T> {
    // Short keys in Redis, the same for every replica (and for earlier versions): the hash of the canonical request.
    const sharedKey = hash(json);
    const hit = await cache.get<T>(sharedKey).catch((error: unknown) => this.storeFailed(error));
    if (hit !== undefined && hit !== null) {
      this.options.onRead?.(action, 'hit');
      return hit;
    }
    return this.fetchOnce(action, generation, key, fetch, (value) => cache.set(sharedKey, value).catch((error: unknown) => this.storeFailed(error)));
  }

  /**
   * Joins the identical call in flight in this generation, or makes it; its answer is then
   * stored with `store`, unless a write has come in the meantime.
   */
  private fetchOnce<T>(action: ZenlayerReadAction, generation: number, key: string, fetch: () => Promise<T>, store?: (value: T) => unknown): Promise<T> {
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
        // Only Redis hands back a promise; the memory store is not awaited, to answer sooner.
        const storing = store && (this.generations.get(action) ?? 0) === generation ? store(value) : undefined;
        if (storing) await storing;
        return value;
      } finally {
        this.inFlight.delete(flightKey);
      }
    })();
    this.inFlight.set(flightKey, call);
    return call;
  }

  private memoryGet<T>(store: CacheableMemory, key: string): T | undefined {
    try {
      // null is never stored (as with Keyv, where it read back as a miss).
      return store.get<T>(key) ?? undefined;
    } catch (error) {
      return this.storeFailed(error);
    }
  }

  private memorySet(store: CacheableMemory, key: string, value: unknown): void {
    if (value === undefined || value === null) return;
    try {
      store.set(key, value);
    } catch (error) {
      this.storeFailed(error);
    }
  }

  /** The Redis cache of an action, unless Redis is not connected now. */
  private usable(cache: Cache | undefined): Cache | undefined {
    return cache && this.redis?.isReady ? cache : undefined;
  }

  private storeFailed(error: unknown): undefined {
    this.options.onStoreError?.(error);
    return undefined;
  }
}

/**
 * Key within this process (in-memory store, calls in flight): the canonical request text itself,
 * which is exact and costs no hashing; a long one is hashed. A hashed key starts with `#`, which
 * no JSON text does, so it cannot equal a plain one.
 */
function localKey(json: string): string {
  return json.length <= MAX_PLAIN_KEY_LENGTH ? json : `#${hash(json)}`;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
