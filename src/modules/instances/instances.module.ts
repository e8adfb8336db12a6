import { Module } from '@nestjs/common';
import { ImagesModule } from '../images/images.module';
import { QuotasModule } from '../quotas/quotas.module';
import { ZonesModule } from '../zones/zones.module';
import { InstancesController } from './instances.controller';
import { InstancesLoaders } from './instances.loaders';
import { InstancesResolver, ZoneInstancesResolver } from './instances.resolver';
import { InstancesService } from './instances.service';

/** Instances to make images of, the image-creation check, and `Zone.instances`. */
@Module({
  controllers: [InstancesController],
  imports: [ImagesModule, QuotasModule, ZonesModule],
  providers: [InstancesService, InstancesLoaders, InstancesResolver, ZoneInstancesResolver],
  exports: [InstancesService, InstancesLoaders],
})
export class InstancesModule {}
