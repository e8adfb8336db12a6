import { Logger } from '@nestjs/common';
import type { InstanceInfo, ZenlayerService } from '../../upstream/zenlayer';
import { ZONE_FANOUT_CONCURRENCY, ZoneDirectory } from './zone-directory';
import { MemoryZoneMemory, ZoneMemory } from './zone-memory.store';
import type { ZonesService } from './zones.service';

/** The zones as ZonesService lists them: in Zenlayer's order, not sorted. */
const zonesListing = (ids: string[]) => ({ list: jest.fn(async () => ids.map((id) => ({ id }))) });

/** Zenlayer's DescribeInstances over these instances; every call is noted. */
const instancesListing = (instances: InstanceInfo[]) => ({
  call: jest.fn(async (_action: string, request: { instanceIds?: string[] }) => ({
    requestId: 'R',
    response: { dataSet: instances.filter((instance) => !request.instanceIds || request.instanceIds.includes(instance.instanceId)) },
  })),
});

/** A promise and what settles it. */
const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(ZoneDirectory.name, () => {
  const memories: MemoryZoneMemory[] = [];
  afterEach(() => {
    memories.splice(0).forEach((memory) => memory.close());
    jest.restoreAllMocks();
  });

  const make = ({ zones = ['FRA-A'], instances = [] as InstanceInfo[], memory }: { zones?: string[]; instances?: InstanceInfo[]; memory?: ZoneMemory } = {}) => {
    const own = memory ?? new MemoryZoneMemory();
    if (own instanceof MemoryZoneMemory) memories.push(own);
    const zonesService = zonesListing(zones);
    const zenlayer = instancesListing(instances);
    const directory = new ZoneDirectory(zonesService as unknown as ZonesService, zenlayer as unknown as ZenlayerService, own);
    return { directory, zonesService, zenlayer, memory: own };
  };

  const NINE_ZONES = ['SIN-A', 'FRA-A', 'LAX-A', 'HKG-A', 'TYO-A', 'AMS-A', 'NYC-A', 'DFW-A', 'SAO-A'];
  const SORTED = [...NINE_ZONES].sort();

  describe('zoneIds and zoneCount', () => {
    it('lists the zones by id in sorted order', async () => {
      await expect(make({ zones: NINE_ZONES }).directory.zoneIds()).resolves.toEqual(SORTED);
    });

    it('counts the zones, reading them again only once the count is a minute old', async () => {
      let now = Date.parse('2026-12-01T20:00:00Z');
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      const { directory, zonesService } = make({ zones: ['FRA-A', 'HKG-A', 'SIN-A'] });
      await expect(directory.zoneCount()).resolves.toBe(3);
      now += 59_000;
      await expect(directory.zoneCount()).resolves.toBe(3);
      expect(zonesService.list).toHaveBeenCalledTimes(1);
      now += 1_000;
      zonesService.list.mockResolvedValueOnce([{ id: 'FRA-A' }, { id: 'HKG-A' }]);
      await expect(directory.zoneCount()).resolves.toBe(2);
      expect(zonesService.list).toHaveBeenCalledTimes(2);
    });
  });

  describe('acrossZones', () => {
    it(`runs at most ${ZONE_FANOUT_CONCURRENCY} zones at once, and the next round only once a round is done`, async () => {
      const { directory } = make({ zones: NINE_ZONES });
      const pending = new Map<string, ReturnType<typeof deferred<string>>>();
      let running = 0;
      let mostRunning = 0;
      const results = directory.acrossZones(async (zoneId) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        const answer = deferred<string>();
        pending.set(zoneId, answer);
        const result = await answer.promise;
        running -= 1;
        return result;
      });

      await settle();
      expect([...pending.keys()]).toEqual(SORTED.slice(0, 4));
      // Three of the round answer; the fourth holds the next round back.
      for (const zoneId of SORTED.slice(0, 3)) pending.get(zoneId)!.resolve(`r-${zoneId}`);
      await settle();
      expect(pending.size).toBe(4);
      pending.get(SORTED[3])!.resolve(`r-${SORTED[3]}`);
      await settle();
      expect([...pending.keys()]).toEqual(SORTED.slice(0, 8));
      // Answers in reverse: the results still come in zone order.
      for (const zoneId of SORTED.slice(4, 8).reverse()) pending.get(zoneId)!.resolve(`r-${zoneId}`);
      await settle();
      expect([...pending.keys()]).toEqual(SORTED);
      pending.get(SORTED[8])!.resolve(`r-${SORTED[8]}`);

      await expect(results).resolves.toEqual(SORTED.map((zoneId) => ({ zoneId, result: `r-${zoneId}` })));
      expect(mostRunning).toBe(ZONE_FANOUT_CONCURRENCY);
    });

    it('stops after the round in which done() became true, asking no zone of the rounds after', async () => {
      const { directory } = make({ zones: NINE_ZONES });
      const asked: string[] = [];
      let found = false;
      const results = await directory.acrossZones(
        async (zoneId) => {
          asked.push(zoneId);
          if (zoneId === SORTED[1]) found = true;
          return zoneId;
        },
        () => found,
      );
      expect(asked).toEqual(SORTED.slice(0, 4));
      expect(results.map((r) => r.zoneId)).toEqual(SORTED.slice(0, 4));
    });

    it('goes on round after round while done() is false, then through every zone', async () => {
      const { directory } = make({ zones: NINE_ZONES });
      const done = jest.fn(() => false);
      const results = await directory.acrossZones(async (zoneId) => zoneId.length, done);
      expect(results.map((r) => r.zoneId)).toEqual(SORTED);
      expect(done).toHaveBeenCalledTimes(3); // before each of the three rounds
    });

    it('answers nothing for an account without zones', async () => {
      const work = jest.fn(async () => 1);
      await expect(make({ zones: [] }).directory.acrossZones(work)).resolves.toEqual([]);
      expect(work).not.toHaveBeenCalled();
    });

    it('fails as the work of a zone fails', async () => {
      const { directory } = make({ zones: ['FRA-A', 'HKG-A'] });
      await expect(
        directory.acrossZones(async (zoneId) => {
          if (zoneId === 'HKG-A') throw new Error('HKG-A refused');
          return zoneId;
        }),
      ).rejects.toThrow('HKG-A refused');
    });
  });

  describe('instanceZone', () => {
    it('answers a remembered zone without asking Zenlayer', async () => {
      const { directory, zenlayer } = make();
      await directory.remember('instance', [['ins-1', 'HKG-A']]);
      await expect(directory.instanceZone('ins-1')).resolves.toBe('HKG-A');
      expect(zenlayer.call).not.toHaveBeenCalled();
    });

    it('reads a zone not remembered with one DescribeInstances of that instance, and remembers it', async () => {
      const { directory, zenlayer, memory } = make({ instances: [instance('ins-1', 'FRA-A'), instance('ins-2', 'HKG-A')] });
      await expect(directory.instanceZone('ins-2')).resolves.toBe('HKG-A');
      expect(zenlayer.call).toHaveBeenCalledTimes(1);
      expect(zenlayer.call).toHaveBeenCalledWith('DescribeInstances', { instanceIds: ['ins-2'], pageNum: 1, pageSize: 1 });
      await expect(memory.recall('instance', ['ins-2'])).resolves.toEqual(['HKG-A']);
      await expect(directory.instanceZone('ins-2')).resolves.toBe('HKG-A');
      expect(zenlayer.call).toHaveBeenCalledTimes(1);
    });

    it('answers undefined for an instance Zenlayer does not list, and remembers nothing', async () => {
      const { directory, zenlayer, memory } = make({ instances: [instance('ins-1', 'FRA-A')] });
      await expect(directory.instanceZone('ins-x')).resolves.toBeUndefined();
      await expect(memory.recall('instance', ['ins-x'])).resolves.toEqual([undefined]);
      await expect(directory.instanceZone('ins-x')).resolves.toBeUndefined();
      expect(zenlayer.call).toHaveBeenCalledTimes(2);
    });

    it('answers undefined for an instance listed without a zone', async () => {
      const { directory, memory } = make({ instances: [instance('ins-1', '')] });
      await expect(directory.instanceZone('ins-1')).resolves.toBeUndefined();
      await expect(memory.recall('instance', ['ins-1'])).resolves.toEqual([undefined]);
    });
  });

  describe('a memory that fails', () => {
    const broken: ZoneMemory = {
      remember: () => Promise.reject(new Error('redis down')),
      recall: () => Promise.reject(new Error('redis down')),
    };

    it('is logged and knows nothing: every id is unknown', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { directory } = make({ memory: broken });
      await expect(directory.recall('image', ['img-a', 'img-b'])).resolves.toEqual([undefined, undefined]);
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'could not read the zones of images');
    });

    it('loses what it is told, logged, without failing the request that saw it', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { directory } = make({ memory: broken });
      await expect(directory.remember('instance', [['ins-1', 'FRA-A']])).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'could not remember the zones of instances');
    });

    it('leaves instanceZone to ask Zenlayer', async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { directory, zenlayer } = make({ memory: broken, instances: [instance('ins-1', 'FRA-A')] });
      await expect(directory.instanceZone('ins-1')).resolves.toBe('FRA-A');
      expect(zenlayer.call).toHaveBeenCalledTimes(1);
    });
  });
});

function instance(instanceId: string, zoneId?: string): InstanceInfo {
  return { instanceId, zoneId, instanceStatus: 'STOPPED' };
}
