import type { ZenlayerService } from '../../upstream/zenlayer';
import { InstancesService } from './instances.service';

const info = (instanceId: string, zoneId: string) => ({ instanceId, zoneId, instanceStatus: 'STOPPED', systemDisk: { diskId: `d-${instanceId}`, diskSize: 40 } });

describe(InstancesService.name, () => {
  const answering = (...responses: object[]) => {
    const call = jest.fn();
    for (const response of responses) call.mockResolvedValueOnce({ requestId: 'R', response });
    return { call, service: new InstancesService({ call } as unknown as ZenlayerService) };
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
    expect(call).toHaveBeenCalledWith('DescribeInstances', expect.objectContaining({ instanceIds: ['ins-1', 'ins-x', 'ins-2'], pageNum: 1, pageSize: 3 }));
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
    expect(call).toHaveBeenLastCalledWith('DescribeInstances', expect.objectContaining({ zoneId: 'HKG-A', pageSize: 10 }));
  });
});
