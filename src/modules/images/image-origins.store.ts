import type { RedisClientType } from '@keyv/redis';

export const IMAGE_ORIGINS = Symbol('IMAGE_ORIGINS');

/**
 * How long the gateway remembers which instance an image was made from: far longer than an
 * image takes to build, and the memory of it is only needed while it builds.
 */
const IMAGE_ORIGIN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Which instance each image made through this gateway came from. Zenlayer's ImageInfo names no
 * source instance, so this is the only way to tell that an instance's system disk is being
 * imaged (DISK_BUSY) before CreateImage refuses. Images made elsewhere (the console, another
 * tool) are not known here.
 */
export interface ImageOrigins {
  /** Notes that `imageId` is being made from `instanceId`. */
  record(instanceId: string, imageId: string): Promise<void>;
  /** For each instance, in order, the image last made from it through the gateway, if remembered. */
  lastMadeFrom(instanceIds: readonly string[]): Promise<(string | undefined)[]>;
}

/** One process's memory; entries expire after {@link IMAGE_ORIGIN_TTL_MS} and are swept. */
export class MemoryImageOrigins implements ImageOrigins {
  private readonly entries = new Map<string, { imageId: string; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000);

  constructor(private readonly ttlMs = IMAGE_ORIGIN_TTL_MS) {
    this.sweeper.unref();
  }

  async record(instanceId: string, imageId: string): Promise<void> {
    this.entries.set(instanceId, { imageId, expiresAt: Date.now() + this.ttlMs });
  }

  async lastMadeFrom(instanceIds: readonly string[]): Promise<(string | undefined)[]> {
    const now = Date.now();
    return instanceIds.map((id) => {
      const entry = this.entries.get(id);
      return entry && entry.expiresAt > now ? entry.imageId : undefined;
    });
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** Redis, shared by every replica: an image made through one replica is known to all. */
export class RedisImageOrigins implements ImageOrigins {
  constructor(
    private readonly redis: RedisClientType,
    private readonly ttlMs = IMAGE_ORIGIN_TTL_MS,
  ) {}

  async record(instanceId: string, imageId: string): Promise<void> {
    await this.redis.set(key(instanceId), imageId, { PX: this.ttlMs });
  }

  async lastMadeFrom(instanceIds: readonly string[]): Promise<(string | undefined)[]> {
    if (instanceIds.length === 0) return [];
    const values = await this.redis.mGet(instanceIds.map(key));
    return values.map((value) => (typeof value === 'string' ? value : undefined));
  }
}

const key = (instanceId: string) => `zlgw:image-origin:${instanceId}`;
