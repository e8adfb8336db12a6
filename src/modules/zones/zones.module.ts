import { ZonesController } from './zones.controller';
import { Module } from '@nestjs/common';
import { ZonesLoaders } from './zones.loaders';
import { ZonesResolver } from './zones.resolver';
import { ZonesService } from './zones.service';

@Module({
  controllers: [ZonesController],
  providers: [ZonesService, ZonesLoaders, ZonesResolver],
  exports: [ZonesService, ZonesLoaders],
})
export class ZonesModule {}
