import type { ZenlayerService } from '../../upstream/zenlayer';
import type { ZonesService } from '../zones/zones.service';
import { QuotasService } from './quotas.service';

describe(QuotasService.name, () => {
  it('reads an omitted images list as no quotas', async () => {
    const zenlayer = { call: jest.fn(async () => ({ requestId: 'R', response: {} })) } as unknown as ZenlayerService;
    const quotas = new QuotasService(zenlayer, {} as ZonesService);
    await expect(quotas.list()).resolves.toEqual([]);
    await expect(quotas.findByZoneIds(['FRA-A', 'HKG-A'])).resolves.toEqual([null, null]);
  });
});
