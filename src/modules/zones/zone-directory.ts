import { Inject, Injectable, Logger } from '@nestjs/common';
import { ZenlayerService } from '../../upstream/zenlayer';
import { ZONE_MEMORY, ZonedResource, ZoneMemory, ZoneSighting } from './zone-memory.store';
import { ZonesService } from './zones.service';

/**
 * How many zones are asked at once when a request goes across zones: enough to keep the
 * latency of a listing near one call's for a typical account, few enough that one client's
 * listing does not fill the upstream slots every other client shares.
 */
export const ZONE_FANOUT_CONCURRENCY = 4;

/** How long a zone count is good for the upstream-call limit's estimate. */
const ZONE_COUNT_MAX_AGE_MS = 60_000;

/**
 * Which zone things are in. Zenlayer's DescribeImages needs a zone and its ImageInfo names none,
 * so the gateway learns the zone of every image and instance it sees (a listing, a create) and
 * keeps it in the shared {@link ZoneMemory}; what it has not seen it looks for zone by zone.
 */
@Injectable()
export class ZoneDirectory {
  private readonly logger = new Logger(ZoneDirectory.name);
  /** The last zone count read, for estimates: when it was read, and the count. */
  private lastCount?: { at: number; count: number };

  constructor(
    private readonly zones: ZonesService,
    private readonly zenlayer: ZenlayerService,
    @Inject(ZONE_MEMORY) private readonly memory: ZoneMemory,
  ) {}

  /** Every zone of the account, by id in a stable order (one DescribeZones, cached). */
  async zoneIds(): Promise<string[]> {
    const ids = (await this.zones.list()).map((zone) => zone.id).sort();
    this.lastCount = { at: Date.now(), count: ids.length };
    return ids;
  }

  /**
   * How many zones the account has, for the upstream-call limit of a listing across zones: the
   * count last read if it is at most a minute old (zones come and go rarely), else read now.
   */
  async zoneCount(): Promise<number> {
    if (this.lastCount && Date.now() - this.lastCount.at < ZONE_COUNT_MAX_AGE_MS) return this.lastCount.count;
    return (await this.zoneIds()).length;
  }

  /**
   * Notes where things were seen. A zone that cannot be written down is only a hint lost: the
   * next lookup looks across zones instead, so the request that saw it does not fail.
   */
  async remember(kind: ZonedResource, sightings: readonly ZoneSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    await this.memory.remember(kind, sightings).catch((error: unknown) => this.logger.warn({ err: error }, `could not remember the zones of ${kind}s`));
  }

  /** For each id, in order, the zone it was last seen in, if known; a memory that cannot be read knows nothing. */
  async recall(kind: ZonedResource, ids: readonly string[]): Promise<(string | undefined)[]> {
    return this.memory.recall(kind, ids).catch((error: unknown): undefined[] => {
      this.logger.warn({ err: error }, `could not read the zones of ${kind}s`);
      return ids.map(() => undefined);
    });
  }

  /**
   * The zone of an instance: remembered, or read with one DescribeInstances and remembered.
   * Undefined when Zenlayer lists no such instance.
   */
  async instanceZone(instanceId: string): Promise<string | undefined> {
    const [known] = await this.recall('instance', [instanceId]);
    if (known !== undefined) return known;
    const { response } = await this.zenlayer.call('DescribeInstances', { instanceIds: [instanceId], pageNum: 1, pageSize: 1 });
    const zoneId = response.dataSet?.find((instance) => instance.instanceId === instanceId)?.zoneId;
    if (zoneId) await this.remember('instance', [[instanceId, zoneId]]);
    return zoneId || undefined;
  }

  /**
   * Runs `work` for every zone, {@link ZONE_FANOUT_CONCURRENCY} at a time, and answers the
   * results in zone order. With `done`, stops before the next round of zones once `done` says
   * the results so far are enough.
   */
  async acrossZones<T>(work: (zoneId: string) => Promise<T>, done?: () => boolean): Promise<Array<{ zoneId: string; result: T }>> {
    const zoneIds = await this.zoneIds();
    const results: Array<{ zoneId: string; result: T }> = [];
    for (let start = 0; start < zoneIds.length; start += ZONE_FANOUT_CONCURRENCY) {
      if (done?.()) break;
      const round = zoneIds.slice(start, start + ZONE_FANOUT_CONCURRENCY);
      const answers = await Promise.all(round.map(work));
      round.forEach((zoneId, index) => results.push({ zoneId, result: answers[index] }));
    }
    return results;
  }
}
