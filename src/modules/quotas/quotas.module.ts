import { QuotasController } from './quotas.controller';
import { Module } from '@nestjs/common';
import { ZonesModule } from '../zones/zones.module';
import { QuotasLoaders } from './quotas.loaders';
import { QuotasResolver } from './quotas.resolver';
import { QuotasService } from './quotas.service';

@Module({
  controllers: [QuotasController],
  imports: [ZonesModule],
  providers: [QuotasService, QuotasLoaders, QuotasResolver],
  exports: [QuotasService, QuotasLoaders],
})
export class QuotasModule {}
