import { ImagesController } from './images.controller';
import type { RedisClientType } from '@keyv/redis';
import { Module } from '@nestjs/common';
import { REDIS_CLIENT } from '../../common/redis';
import { IDEMPOTENCY_STORE, IdempotentCreateService } from './idempotent-create.service';
import { IMAGE_ORIGINS, MemoryImageOrigins, RedisImageOrigins } from './image-origins.store';
import { ImageStatusWatcher } from './image-status.watcher';
import { MemoryIdempotencyStore, RedisIdempotencyStore } from './idempotency.store';
import { ImagesLoaders } from './images.loaders';
import { CreateImagePayloadResolver, ImagesResolver } from './images.resolver';
import { ImagesService } from './images.service';
import { ZonesModule } from '../zones/zones.module';

@Module({
  controllers: [ImagesController],
  imports: [ZonesModule],
  providers: [
    ImagesService,
    ImagesLoaders,
    ImagesResolver,
    CreateImagePayloadResolver,
    IdempotentCreateService,
    ImageStatusWatcher,
    {
      provide: IDEMPOTENCY_STORE,
      inject: [REDIS_CLIENT],
      useFactory: (redis: RedisClientType | null) => (redis ? new RedisIdempotencyStore(redis) : new MemoryIdempotencyStore()),
    },
    {
      provide: IMAGE_ORIGINS,
      inject: [REDIS_CLIENT],
      useFactory: (redis: RedisClientType | null) => (redis ? new RedisImageOrigins(redis) : new MemoryImageOrigins()),
    },
  ],
  exports: [ImagesService, ImagesLoaders, ImageStatusWatcher],
})
export class ImagesModule {}
