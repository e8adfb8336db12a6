import { CacheableMemory } from '@cacheable/memory';
import { ReadCache, ReadCacheOptions } from './read-cache';

const ttl = (ms: number) => ({ DescribeZones: ms, DescribeImageQuota: ms, DescribeImages: ms, DescribeImage: ms, DescribeInstances: ms });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe(ReadCache.name, () => {
  const caches: ReadCache[] = [];
  const make = (ms: number, options: Partial<ReadCacheOptions> = {}) => {
    const outcomes: string[] = [];
    const cache = new ReadCache({ ttlMs: ttl(ms), onRead: (_a, outcome) => outcomes.push(outcome), ...options });
    caches.push(cache);
    return { cache, outcomes };
  };
  afterAll(() => Promise.all(caches.map((c) => c.close())));
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('serves a repeat from the cache until its TTL ends', async () => {
    jest.useFakeTimers();
    const { cache, outcomes } = make(80);
    let calls = 0;
    const fetch = jest.fn(async () => ({ n: ++calls }));
    expect(await cache.read('DescribeZones', {}, fetch)).toEqual({ n: 1 });
    jest.advanceTimersByTime(80);
    expect(await cache.read('DescribeZones', {}, fetch)).toEqual({ n: 1 });
    expect(outcomes).toEqual(['miss', 'hit']);
    jest.advanceTimersByTime(1);
    expect(await cache.read('DescribeZones', {}, fetch)).toEqual({ n: 2 });
  });

  it('keys by the request, whatever the order of its fields', async () => {
    const { cache, outcomes } = make(60_000);
    const fetch = jest.fn(async () => 'answer');
    await cache.read('DescribeImages', { a: 1, b: [2, 3] }, fetch);
    await cache.read('DescribeImages', { b: [2, 3], a: 1 }, fetch);
    await cache.read('DescribeImages', { b: [2, 3], a: 1, c: undefined }, fetch);
    await cache.read('DescribeImages', { a: 1, b: [3, 2] }, fetch);
    expect(outcomes).toEqual(['miss', 'hit', 'hit', 'miss']);
  });

  it('shares one call among identical reads in flight, even with caching off', async () => {
    const { cache, outcomes } = make(0);
    const gate = deferred<string>();
    const fetch = jest.fn(() => gate.promise);
    const reads = Array.from({ length: 10 }, () => cache.read('DescribeImages', { pageNum: 1 }, fetch));
    gate.resolve('answer');
    expect(await Promise.all(reads)).toEqual(Array(10).fill('answer'));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((o) => o === 'coalesced')).toHaveLength(9);
  });

  it('shares an error among the reads in flight and never stores it', async () => {
    const { cache } = make(60_000);
    const gate = deferred<string>();
    const failing = jest.fn(() => gate.promise);
    const reads = [cache.read('DescribeZones', {}, failing), cache.read('DescribeZones', {}, failing)];
    gate.reject(new Error('upstream down'));
    await expect(Promise.all(reads)).rejects.toThrow('upstream down');
    expect(failing).toHaveBeenCalledTimes(1);
    await expect(cache.read('DescribeZones', {}, async () => 'recovered')).resolves.toBe('recovered');
  });

  it('drops what a write changes, and does not store a read that was under way meanwhile', async () => {
    const { cache } = make(60_000);
    await cache.read('DescribeImageQuota', {}, async () => 'count 2');
    const gate = deferred<string>();
    const slowOldRead = cache.read('DescribeImageQuota', { zoneIds: ['FRA-A'] }, () => gate.promise);
    await cache.invalidate(['DescribeImageQuota']);
    gate.resolve('stale count 2');
    await slowOldRead;
    await expect(cache.read('DescribeImageQuota', {}, async () => 'count 3')).resolves.toBe('count 3');
    await expect(cache.read('DescribeImageQuota', { zoneIds: ['FRA-A'] }, async () => 'fresh')).resolves.toBe('fresh');
  });

  it('does not let a read after a write join a call that started before it', async () => {
    const { cache } = make(0);
    const gate = deferred<string>();
    const before = cache.read('DescribeImages', {}, () => gate.promise);
    await cache.invalidate(['DescribeImages']);
    const after = cache.read('DescribeImages', {}, async () => 'after the write');
    gate.resolve('before the write');
    expect(await before).toBe('before the write');
    expect(await after).toBe('after the write');
  });

  it('keeps each action apart', async () => {
    const { cache } = make(60_000);
    await cache.read('DescribeZones', {}, async () => 'zones');
    await cache.invalidate(['DescribeImages']);
    await expect(cache.read('DescribeZones', {}, async () => 'refetched')).resolves.toBe('zones');
    await expect(cache.read('DescribeImages', {}, async () => 'images')).resolves.toBe('images');
  });

  it('keeps each action for its own TTL', async () => {
    jest.useFakeTimers();
    const { cache } = make(0, { ttlMs: { ...ttl(60_000), DescribeZones: 50 } });
    await cache.read('DescribeZones', {}, async () => 'zones 1');
    await cache.read('DescribeImages', {}, async () => 'images 1');
    jest.advanceTimersByTime(51);
    await expect(cache.read('DescribeZones', {}, async () => 'zones 2')).resolves.toBe('zones 2');
    await expect(cache.read('DescribeImages', {}, async () => 'images 2')).resolves.toBe('images 1');
  });

  it('keeps at most maxEntriesPerAction answers per action, dropping the least recently used', async () => {
    const { cache, outcomes } = make(60_000, { maxEntriesPerAction: 2 });
    const read = (zone: string) => cache.read('DescribeImageQuota', { zoneIds: [zone] }, async () => `${zone} fetched`);
    await read('A');
    await read('B');
    await read('A'); // A is now the most recently used
    await read('C'); // so B goes
    outcomes.length = 0;
    await read('A');
    await read('C');
    await read('B');
    expect(outcomes).toEqual(['hit', 'hit', 'miss']);
    await cache.read('DescribeZones', {}, async () => 'other action');
    await expect(cache.read('DescribeImageQuota', { zoneIds: ['B'] }, async () => 'again')).resolves.toBe('B fetched');
  });

  it('keys long requests apart, and serves them from the cache too', async () => {
    const { cache, outcomes } = make(60_000);
    const ids = Array.from({ length: 100 }, (_, i) => `img-${i}`);
    await cache.read('DescribeImages', { imageIds: ids }, async () => 'first');
    await expect(cache.read('DescribeImages', { imageIds: [...ids.slice(0, 99), 'img-x'] }, async () => 'second')).resolves.toBe('second');
    await expect(cache.read('DescribeImages', { imageIds: [...ids] }, async () => 'refetched')).resolves.toBe('first');
    expect(outcomes).toEqual(['miss', 'miss', 'hit']);
  });

  it('does not store an empty answer', async () => {
    const { cache, outcomes } = make(60_000);
    await expect(cache.read('DescribeImage', { imageId: 'x' }, async () => null)).resolves.toBeNull();
    await expect(cache.read('DescribeImage', { imageId: 'x' }, async () => 'found')).resolves.toBe('found');
    expect(outcomes).toEqual(['miss', 'miss']);
  });

  it('reads upstream, and says so, when the store fails', async () => {
    const storeErrors: unknown[] = [];
    const { cache, outcomes } = make(60_000, { onStoreError: (error) => storeErrors.push(error) });
    jest.spyOn(CacheableMemory.prototype, 'get').mockImplementation(() => {
      throw new Error('store broken');
    });
    jest.spyOn(CacheableMemory.prototype, 'set').mockImplementation(() => {
      throw new Error('store broken');
    });
    await expect(cache.read('DescribeZones', {}, async () => 'live 1')).resolves.toBe('live 1');
    await expect(cache.read('DescribeZones', {}, async () => 'live 2')).resolves.toBe('live 2');
    expect(outcomes).toEqual(['miss', 'miss']);
    expect(storeErrors).toHaveLength(4);
  });

  it('turns an error before the call into a rejection, not a throw', async () => {
    const { cache } = make(60_000);
    let read: Promise<unknown> | undefined;
    expect(() => (read = cache.read('DescribeZones', { pageNum: 1n }, async () => 'never'))).not.toThrow(); // no JSON for a BigInt
    await expect(read).rejects.toThrow(TypeError);
  });
});
