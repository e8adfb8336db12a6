import type { RedisClientType } from '@keyv/redis';
import { Module } from '@nestjs/common';
import { REDIS_CLIENT } from '../../common/redis';
import { ZoneDirectory } from './zone-directory';
import { MemoryZoneMemory, RedisZoneMemory, ZONE_MEMORY } from './zone-memory.store';
import { ZonesController } from './zones.controller';
import { ZonesLoaders } from './zones.loaders';
import { ZonesResolver } from './zones.resolver';
import { ZonesService } from './zones.service';

@Module({
  controllers: [ZonesController],
  providers: [
    ZonesService,
    ZonesLoaders,
    ZonesResolver,
    ZoneDirectory,
    {
      provide: ZONE_MEMORY,
      inject: [REDIS_CLIENT],
      useFactory: (redis: RedisClientType | null) => (redis ? new RedisZoneMemory(redis) : new MemoryZoneMemory()),
    },
  ],
  exports: [ZonesService, ZonesLoaders, ZoneDirectory],
})
export class ZonesModule {}
