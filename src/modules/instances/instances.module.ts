import { Module } from '@nestjs/common';
import { ImagesModule } from '../images/images.module';
import { QuotasModule } from '../quotas/quotas.module';
import { ZonesModule } from '../zones/zones.module';
import { ImageInstancesController, InstancesController } from './instances.controller';
import { InstancesLoaders } from './instances.loaders';
import { ImageInstancesResolver, InstancesResolver, ZoneInstancesResolver } from './instances.resolver';
import { InstancesService } from './instances.service';

/** Instances to make images of, the image-creation check, `Zone.instances`, and the instances made from an image. */
@Module({
  controllers: [InstancesController, ImageInstancesController],
  imports: [ImagesModule, QuotasModule, ZonesModule],
  providers: [InstancesService, InstancesLoaders, InstancesResolver, ZoneInstancesResolver, ImageInstancesResolver],
  exports: [InstancesService, InstancesLoaders],
})
export class InstancesModule {}
