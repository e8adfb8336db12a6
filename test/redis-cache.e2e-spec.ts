import type { RedisClientType } from '@keyv/redis';
import { connectWithin, createRedisConnection } from '../src/common/redis';
import { ReadCache } from '../src/upstream/zenlayer/read-cache';
import { eventually } from './helpers/harness';
import { RedisServer, startRedis } from './helpers/redis-server';

const TTL = { DescribeZones: 60_000, DescribeImageQuota: 60_000, DescribeImages: 60_000, DescribeImage: 60_000, DescribeInstances: 60_000 };

/** Two gateways (here: their caches) sharing one Redis, as replicas do. */
describe('the read cache in Redis', () => {
  let redis: RedisServer;
  let a: ReadCache;
  let b: ReadCache;
  let connA: RedisClientType;
  let connB: RedisClientType;
  const storeErrors: unknown[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const onError = (e: unknown) => storeErrors.push(e);
    connA = createRedisConnection(redis.url, onError);
    connB = createRedisConnection(redis.url, onError);
    expect(await connectWithin(connA, 5000, onError)).toBe(true);
    expect(await connectWithin(connB, 5000, onError)).toBe(true);
    a = new ReadCache({ ttlMs: TTL, redis: connA, onStoreError: onError });
    b = new ReadCache({ ttlMs: TTL, redis: connB, onStoreError: onError });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    connA.destroy();
    connB.destroy();
    await redis.stop();
  });

  it('lets one replica answer from what another fetched', async () => {
    await expect(a.read('DescribeZones', {}, async () => ({ zoneSet: ['FRA-A'] }))).resolves.toEqual({ zoneSet: ['FRA-A'] });
    const fetch = jest.fn(async () => ({ zoneSet: ['from-b'] }));
    await expect(b.read('DescribeZones', {}, fetch)).resolves.toEqual({ zoneSet: ['FRA-A'] });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('drops an action everywhere when one replica writes', async () => {
    await a.read('DescribeImageQuota', {}, async () => 'count 2');
    await a.read('DescribeZones', { zoneIds: ['HKG-A'] }, async () => 'hkg');
    await b.invalidate(['DescribeImageQuota']);
    await expect(a.read('DescribeImageQuota', {}, async () => 'count 3')).resolves.toBe('count 3');
    await expect(a.read('DescribeZones', { zoneIds: ['HKG-A'] }, async () => 'refetched')).resolves.toBe('hkg');
  });

  it('keeps reading from upstream while Redis is down, and uses it again when it is back', async () => {
    await redis.stop();
    await expect(a.read('DescribeImages', { pageNum: 1 }, async () => 'live answer')).resolves.toBe('live answer');
    expect(storeErrors.length).toBeGreaterThan(0);
    await redis.start();
    await eventually(async () => {
      expect(connA.isReady && connB.isReady).toBe(true);
    });
    await a.read('DescribeImages', { pageNum: 2 }, async () => 'stored again');
    const fetch = jest.fn(async () => 'not used');
    await expect(b.read('DescribeImages', { pageNum: 2 }, fetch)).resolves.toBe('stored again');
    expect(fetch).not.toHaveBeenCalled();
  });
});
