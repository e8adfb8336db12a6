import { Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/errors';
import { ImageQuotaInfo, ZenlayerService } from '../../upstream/zenlayer';
import { CLIENT_ZONE_IDS, ZonesService } from '../zones/zones.service';
import { ImageQuota } from './image-quota.model';

const toQuota = ({ zoneId, count, maxCount }: ImageQuotaInfo): ImageQuota => ({
  zoneId,
  count,
  maxCount,
  remaining: Math.max(0, maxCount - count),
});

@Injectable()
export class QuotasService {
  constructor(
    private readonly zenlayer: ZenlayerService,
    private readonly zones: ZonesService,
  ) {}

  /** Quotas of the given zones (all when omitted); an unknown zone id is a NOT_FOUND error. */
  async list(zoneIds?: string[]): Promise<ImageQuota[]> {
    const { response } = await this.zenlayer.call('DescribeImageQuota', zoneIds ? { zoneIds } : {}, { clientFields: zoneIds ? CLIENT_ZONE_IDS : [] });
    // The SDKs treat the list as optional: an omitted one is empty.
    return (response.images ?? []).map(toQuota);
  }

  /**
   * Quotas for these zone ids, in order, null for an unknown zone, in one DescribeImageQuota.
   * Zenlayer refuses a whole call for one unknown zone, so only then are the zones looked up
   * and the call repeated for the known ones.
   */
  async findByZoneIds(zoneIds: readonly string[]): Promise<(ImageQuota | null)[]> {
    let quotas: ImageQuota[];
    try {
      quotas = await this.list([...zoneIds]);
    } catch (error) {
      if (!(error instanceof GatewayError && error.code === 'NOT_FOUND')) throw error;
      const known = (await this.zones.findByIds(zoneIds)).filter((z) => z !== null).map((z) => z.id);
      quotas = known.length > 0 ? await this.list(known) : [];
    }
    const byZone = new Map(quotas.map((quota) => [quota.zoneId, quota]));
    return zoneIds.map((id) => byZone.get(id) ?? null);
  }
}
