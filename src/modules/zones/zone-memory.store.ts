import type { RedisClientType } from '@keyv/redis';
import { CacheableMemory } from '@cacheable/memory';

export const ZONE_MEMORY = Symbol('ZONE_MEMORY');

/** What the gateway remembers a zone of. */
export type ZonedResource = 'image' | 'instance';

/** One resource and the zone it was seen in. */
export type ZoneSighting = readonly [id: string, zoneId: string];

/**
 * How long a sighting is kept. A resource never moves zones, so this only bounds the memory of
 * resources long gone; a deleted image simply is not found in its remembered zone.
 */
const ZONE_MEMORY_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** In one process's memory, the most sightings kept (least recently used go first). */
const MEMORY_MAX_ENTRIES = 100_000;

/**
 * Where each image and instance was last seen. Zenlayer's ImageInfo names no zone and
 * DescribeImages needs one, so a lookup by id asks the zone remembered here. Learnt from every
 * listing and every create; kept in memory, or in Redis so that every replica knows what any
 * replica saw.
 */
export interface ZoneMemory {
  remember(kind: ZonedResource, sightings: readonly ZoneSighting[]): Promise<void>;
  /** For each id, in order, the zone it was last seen in, if remembered. */
  recall(kind: ZonedResource, ids: readonly string[]): Promise<(string | undefined)[]>;
}

/** One process's memory, bounded in size and age. */
export class MemoryZoneMemory implements ZoneMemory {
  private readonly entries = new CacheableMemory({ ttl: ZONE_MEMORY_TTL_MS, lruSize: MEMORY_MAX_ENTRIES, checkInterval: 60_000 });

  async remember(kind: ZonedResource, sightings: readonly ZoneSighting[]): Promise<void> {
    for (const [id, zoneId] of sightings) this.entries.set(key(kind, id), zoneId);
  }

  async recall(kind: ZonedResource, ids: readonly string[]): Promise<(string | undefined)[]> {
    return ids.map((id) => this.entries.get<string>(key(kind, id)) ?? undefined);
  }

  close(): void {
    this.entries.stopIntervalCheck();
  }
}

/** Redis, shared by every replica. */
export class RedisZoneMemory implements ZoneMemory {
  constructor(private readonly redis: RedisClientType) {}

  async remember(kind: ZonedResource, sightings: readonly ZoneSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    const batch = this.redis.multi();
    for (const [id, zoneId] of sightings) batch.set(key(kind, id), zoneId, { PX: ZONE_MEMORY_TTL_MS });
    await batch.execAsPipeline();
  }

  async recall(kind: ZonedResource, ids: readonly string[]): Promise<(string | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.mGet(ids.map((id) => key(kind, id)));
    return values.map((value) => (typeof value === 'string' ? value : undefined));
  }
}

const key = (kind: ZonedResource, id: string) => `zlgw:zone-of:${kind}:${id}`;
