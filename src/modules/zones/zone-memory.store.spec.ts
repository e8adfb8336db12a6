import { createClient, RedisClientType } from '@keyv/redis';
import { RedisServer, startRedis } from '../../../test/helpers/redis-server';
import { MemoryZoneMemory, RedisZoneMemory, ZoneMemory } from './zone-memory.store';

/** What every zone memory must do, whatever keeps it. */
const behavesAsAZoneMemory = (make: () => ZoneMemory) => {
  it('recalls, in the order asked, the zone each id was remembered in, undefined for the rest', async () => {
    const memory = make();
    await memory.remember('image', [
      ['img-a', 'FRA-A'],
      ['img-b', 'HKG-A'],
    ]);
    await expect(memory.recall('image', ['img-b', 'img-x', 'img-a'])).resolves.toEqual(['HKG-A', undefined, 'FRA-A']);
  });

  it('keeps the last zone remembered for an id', async () => {
    const memory = make();
    await memory.remember('image', [['img-a', 'FRA-A']]);
    await memory.remember('image', [['img-a', 'SIN-A']]);
    await expect(memory.recall('image', ['img-a'])).resolves.toEqual(['SIN-A']);
  });

  it('keeps images and instances apart: the same id of the other kind is not known', async () => {
    const memory = make();
    await memory.remember('image', [['same-id', 'FRA-A']]);
    await expect(memory.recall('instance', ['same-id'])).resolves.toEqual([undefined]);
    await memory.remember('instance', [['same-id', 'HKG-A']]);
    await expect(memory.recall('image', ['same-id'])).resolves.toEqual(['FRA-A']);
    await expect(memory.recall('instance', ['same-id'])).resolves.toEqual(['HKG-A']);
  });

  it('takes an empty list either way', async () => {
    const memory = make();
    await expect(memory.remember('image', [])).resolves.toBeUndefined();
    await expect(memory.recall('image', [])).resolves.toEqual([]);
  });
};

describe(MemoryZoneMemory.name, () => {
  const memories: MemoryZoneMemory[] = [];
  afterEach(() => memories.splice(0).forEach((memory) => memory.close()));

  behavesAsAZoneMemory(() => {
    const memory = new MemoryZoneMemory();
    memories.push(memory);
    return memory;
  });

  it('is one process’s own: another memory knows nothing of it', async () => {
    const [one, other] = [new MemoryZoneMemory(), new MemoryZoneMemory()];
    memories.push(one, other);
    await one.remember('image', [['img-a', 'FRA-A']]);
    await expect(other.recall('image', ['img-a'])).resolves.toEqual([undefined]);
  });
});

describe(RedisZoneMemory.name, () => {
  let server: RedisServer;
  const clients: RedisClientType[] = [];
  const connected = async () => {
    const client = createClient({ url: server.url }) as RedisClientType;
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.quit()));
  });
  afterAll(() => server?.stop());

  let redis: RedisClientType;
  beforeEach(async () => {
    redis = await connected();
    await redis.flushAll();
  });

  behavesAsAZoneMemory(() => new RedisZoneMemory(redis));

  it('is shared: what one replica remembers, another recalls', async () => {
    await new RedisZoneMemory(redis).remember('instance', [['ins-1', 'FRA-A']]);
    await expect(new RedisZoneMemory(await connected()).recall('instance', ['ins-1'])).resolves.toEqual(['FRA-A']);
  });

  it('keeps a sighting for a bounded time, not for ever', async () => {
    await new RedisZoneMemory(redis).remember('image', [['img-a', 'FRA-A']]);
    const [key] = await redis.keys('*');
    const ttlMs = await redis.pTTL(key);
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(7 * 24 * 60 * 60 * 1000);
  });
});
