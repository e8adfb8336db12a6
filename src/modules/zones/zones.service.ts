import { Injectable } from '@nestjs/common';
import { ZenlayerService, ZoneInfo, zoneSupportsImageCreation } from '../../upstream/zenlayer';
import { Zone } from './zone.model';

const toZone = (info: ZoneInfo): Zone => ({
  id: info.zoneId,
  name: info.zoneName ?? null,
  supportsImageCreation: zoneSupportsImageCreation(info.zoneId),
});

@Injectable()
export class ZonesService {
  constructor(private readonly zenlayer: ZenlayerService) {}

  /** The given zones (all when omitted); an unknown zone id is a NOT_FOUND error. */
  async list(zoneIds?: string[]): Promise<Zone[]> {
    const { response } = await this.zenlayer.call('DescribeZones', zoneIds ? { zoneIds } : {});
    return response.zoneSet.map(toZone);
  }

  /** The zones with these ids, in order; null for an unknown id. One upstream call for all zones. */
  async findByIds(ids: readonly string[]): Promise<(Zone | null)[]> {
    const byId = new Map((await this.list()).map((zone) => [zone.id, zone]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
