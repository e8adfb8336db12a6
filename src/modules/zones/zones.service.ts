import { Injectable } from '@nestjs/common';
import { ZenlayerService, ZoneInfo, zoneSupportsImageCreation } from '../../upstream/zenlayer';
import { Zone } from './zone.model';

/** The SDKs send one string (`VPC`); older answers a list, which becomes its items joined with ",". */
function networkTypes(value: ZoneInfo['supportNetworkType']): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string' && item !== '').join(',');
  return null;
}

/** A boolean field as sent, null when Zenlayer omits it (or sends something else). */
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

const toZone = (info: ZoneInfo): Zone => ({
  id: info.zoneId,
  name: info.zoneName ?? null,
  supportsImageCreation: zoneSupportsImageCreation(info.zoneId),
  supportSecurityGroup: flag(info.supportSecurityGroup),
  supportIpv6: flag(info.supportIpv6),
  supportNetworkType: networkTypes(info.supportNetworkType),
});

/** A request whose `zoneIds` the client gave: Zenlayer refusing them is the client's to fix. */
export const CLIENT_ZONE_IDS: readonly string[] = ['zoneIds'];

@Injectable()
export class ZonesService {
  constructor(private readonly zenlayer: ZenlayerService) {}

  /** The given zones (all when omitted); an unknown zone id is a NOT_FOUND error. */
  async list(zoneIds?: string[]): Promise<Zone[]> {
    const { response } = await this.zenlayer.call('DescribeZones', zoneIds ? { zoneIds } : {}, { clientFields: zoneIds ? CLIENT_ZONE_IDS : [] });
    // The SDKs treat the list as optional: an omitted one is empty.
    return (response.zoneSet ?? []).map(toZone);
  }

  /** The zones with these ids, in order; null for an unknown id. One upstream call for all zones. */
  async findByIds(ids: readonly string[]): Promise<(Zone | null)[]> {
    const byId = new Map((await this.list()).map((zone) => [zone.id, zone]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
