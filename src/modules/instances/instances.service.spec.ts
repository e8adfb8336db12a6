import { Logger } from '@nestjs/common';
import type { InstanceInfo, ZenlayerService } from '../../upstream/zenlayer';
import { ZoneDirectory } from '../zones/zone-directory';
import { MemoryZoneMemory } from '../zones/zone-memory.store';
import type { ZonesService } from '../zones/zones.service';
import type { PreflightLookups } from './instances.lookups';
import { InstancesService } from './instances.service';

const info = (instanceId: string, zoneId: string, fields: Partial<InstanceInfo> = {}): InstanceInfo => ({
  instanceId,
  zoneId,
  instanceStatus: 'STOPPED',
  systemDisk: { diskId: `d-${instanceId}`, diskSize: 40 },
  ...fields,
});

describe(InstancesService.name, () => {
  const memories: MemoryZoneMemory[] = [];
  afterEach(() => {
    memories.splice(0).forEach((memory) => memory.close());
    jest.restoreAllMocks();
  });

  const answering = (...responses: object[]) => {
    const call = jest.fn();
    for (const response of responses) call.mockResolvedValueOnce({ requestId: 'R', response });
    const memory = new MemoryZoneMemory();
    memories.push(memory);
    const zenlayer = { call } as unknown as ZenlayerService;
    const directory = new ZoneDirectory({ list: async () => [] } as unknown as ZonesService, zenlayer, memory);
    return { call, memory, directory, service: new InstancesService(zenlayer, directory) };
  };

  it('reads an omitted dataSet as no instances, and totalCount as the items when omitted', async () => {
    const { service } = answering({}, { dataSet: [info('ins-1', 'FRA-A')] });
    await expect(service.list()).resolves.toEqual({ items: [], totalCount: 0, page: 1, pageSize: 20 });
    await expect(service.list({}, 2, 5)).resolves.toMatchObject({ totalCount: 1, page: 2, pageSize: 5 });
  });

  it('finds instances by id in one call, in order, null for unknown ids', async () => {
    const { call, service } = answering({ dataSet: [info('ins-2', 'HKG-A'), info('ins-1', 'FRA-A')] });
    const found = await service.findByIds(['ins-1', 'ins-x', 'ins-2']);
    expect(found.map((instance) => instance?.id ?? null)).toEqual(['ins-1', null, 'ins-2']);
    expect(call).toHaveBeenCalledWith('DescribeInstances', expect.objectContaining({ instanceIds: ['ins-1', 'ins-x', 'ins-2'], pageNum: 1, pageSize: 3 }), expect.anything());
  });

  it("splits one listing of every instance into the zones' first pages", async () => {
    const { call, service } = answering({ dataSet: [info('a', 'FRA-A'), info('b', 'HKG-A'), info('c', 'FRA-A')], totalCount: 3 });
    const pages = await service.firstPagesByZone([
      { zoneId: 'FRA-A', pageSize: 1 },
      { zoneId: 'HKG-A', pageSize: 5 },
      { zoneId: 'TYO-A', pageSize: 5 },
    ]);
    expect(pages.map((page) => [page.items.map((i) => i.id), page.totalCount])).toEqual([
      [['a'], 2],
      [['b'], 1],
      [[], 0],
    ]);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('asks zone by zone when the account has more instances than one listing holds', async () => {
    const { call, service } = answering(
      { dataSet: [info('a', 'FRA-A')], totalCount: 5000 },
      { dataSet: [info('a', 'FRA-A')], totalCount: 1 },
      { dataSet: [], totalCount: 0 },
    );
    const pages = await service.firstPagesByZone([
      { zoneId: 'FRA-A', pageSize: 10 },
      { zoneId: 'HKG-A', pageSize: 10 },
    ]);
    expect(pages.map((page) => page.totalCount)).toEqual([1, 0]);
    expect(call).toHaveBeenCalledTimes(3);
    expect(call).toHaveBeenLastCalledWith('DescribeInstances', expect.objectContaining({ zoneId: 'HKG-A', pageSize: 10 }), expect.anything());
  });

  describe('remembers the zones it sees', () => {
    it('of every instance listed: its zone is then known without asking Zenlayer', async () => {
      const { call, memory, directory, service } = answering({ dataSet: [info('ins-1', 'FRA-A'), info('ins-2', 'HKG-A')] });
      await service.list();
      await expect(memory.recall('instance', ['ins-1', 'ins-2'])).resolves.toEqual(['FRA-A', 'HKG-A']);
      await expect(directory.instanceZone('ins-2')).resolves.toBe('HKG-A');
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('of the image each instance was made from, which its zone offers', async () => {
      const { memory, service } = answering({
        dataSet: [info('ins-1', 'FRA-A', { imageId: 'img-ubuntu', imageName: 'Ubuntu 22.04' }), info('ins-2', 'HKG-A', { imageId: 'img-custom' }), info('ins-3', 'SIN-A')],
      });
      await service.list();
      await expect(memory.recall('image', ['img-ubuntu', 'img-custom'])).resolves.toEqual(['FRA-A', 'HKG-A']);
    });

    it('of no instance listed without a zone, nor of its image', async () => {
      const { memory, service } = answering({ dataSet: [info('ins-1', '', { imageId: 'img-a' })] });
      await expect(service.list()).resolves.toMatchObject({ items: [{ id: 'ins-1', zoneId: '' }] });
      await expect(memory.recall('instance', ['ins-1'])).resolves.toEqual([undefined]);
      await expect(memory.recall('image', ['img-a'])).resolves.toEqual([undefined]);
    });

    it('and still lists when the zones cannot be written down', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { memory, service } = answering({ dataSet: [info('ins-1', 'FRA-A', { imageId: 'img-a' })], totalCount: 1 });
      jest.spyOn(memory, 'remember').mockRejectedValue(new Error('redis down'));
      await expect(service.list()).resolves.toMatchObject({ items: [{ id: 'ins-1' }], totalCount: 1 });
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'could not remember the zones of instances');
    });

    it('through findByIds and the zones\' first pages too', async () => {
      const { memory, service } = answering({ dataSet: [info('ins-1', 'FRA-A')] }, { dataSet: [info('ins-2', 'HKG-A'), info('ins-3', 'SIN-A')], totalCount: 2 });
      await service.findByIds(['ins-1']);
      await service.firstPagesByZone([
        { zoneId: 'HKG-A', pageSize: 5 },
        { zoneId: 'SIN-A', pageSize: 5 },
      ]);
      await expect(memory.recall('instance', ['ins-1', 'ins-2', 'ins-3'])).resolves.toEqual(['FRA-A', 'HKG-A', 'SIN-A']);
    });
  });

  it("looks for an image in flight from the instance in the instance's zone", async () => {
    const { service } = answering();
    const load = jest.fn(async () => 'img-busy');
    const lookups = { imageQuota: { load: jest.fn(async () => null) }, imageInFlight: { load } } as unknown as Omit<PreflightLookups, 'instance'>;
    const [instance] = (await answering({ dataSet: [info('ins-1', 'HKG-A')] }).service.list()).items;
    const check = await service.checkInstance('ins-1', instance, lookups);
    expect(load).toHaveBeenCalledWith({ instanceId: 'ins-1', zoneId: 'HKG-A' });
    expect(check.reasons.map((reason) => reason.code)).toContain('DISK_BUSY');
  });
});
