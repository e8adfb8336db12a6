import type { ZenlayerService, ZoneInfo } from '../../upstream/zenlayer';
import { ZonesService } from './zones.service';

describe(ZonesService.name, () => {
  const answering = (response: { zoneSet?: Partial<ZoneInfo>[] }) =>
    new ZonesService({ call: jest.fn(async () => ({ requestId: 'R', response })) } as unknown as ZenlayerService);

  it('reads an omitted zoneSet as no zones', async () => {
    const zones = answering({});
    await expect(zones.list()).resolves.toEqual([]);
    await expect(zones.findByIds(['FRA-A'])).resolves.toEqual([null]);
  });

  it('passes on the zone capabilities: the network type as sent, a list joined with ","', async () => {
    const zones = answering({
      zoneSet: [
        { zoneId: 'FRA-A', zoneName: 'Frankfurt A', supportSecurityGroup: true, supportIpv6: false, supportNetworkType: 'VPC' },
        { zoneId: 'HKG-A', supportSecurityGroup: false, supportIpv6: true, supportNetworkType: ['PRIMARY', 'VPC'] },
        { zoneId: 'SIN-E' },
      ],
    });
    await expect(zones.list()).resolves.toEqual([
      { id: 'FRA-A', name: 'Frankfurt A', supportsImageCreation: true, supportSecurityGroup: true, supportIpv6: false, supportNetworkType: 'VPC' },
      { id: 'HKG-A', name: null, supportsImageCreation: true, supportSecurityGroup: false, supportIpv6: true, supportNetworkType: 'PRIMARY,VPC' },
      { id: 'SIN-E', name: null, supportsImageCreation: false, supportSecurityGroup: null, supportIpv6: null, supportNetworkType: null },
    ]);
  });
});
