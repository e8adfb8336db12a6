import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { MAX_PAGE_SIZE } from '../../common/validation/rules';
import { ImagesService } from '../images/images.service';
import { QuotasLoaders } from '../quotas/quotas.loaders';
import { InstancesService } from './instances.service';
import type { ImageInFlightLoader, ImageInstancesLoader, InstanceLoader, PreflightLookups, ZoneInstancesLoader } from './instances.lookups';

/** Builds the per-request loaders of the instances feature (GraphQL context, REST routes). */
@Injectable()
export class InstancesLoaders {
  constructor(
    private readonly instances: InstancesService,
    private readonly images: ImagesService,
    private readonly quotas: QuotasLoaders,
  ) {}

  instance(): InstanceLoader {
    return new DataLoader((ids) => this.instances.findByIds(ids), { maxBatchSize: MAX_PAGE_SIZE });
  }

  imageInFlight(): ImageInFlightLoader {
    return new DataLoader((instances) => this.images.creatingFrom(instances), { maxBatchSize: MAX_PAGE_SIZE, cacheKeyFn: ({ instanceId }) => instanceId });
  }

  zoneInstances(): ZoneInstancesLoader {
    return new DataLoader((keys) => this.instances.firstPagesByZone(keys), { cacheKeyFn: ({ zoneId, pageSize }) => `${zoneId}:${pageSize}` });
  }

  /** DescribeInstances takes one imageId: one call per distinct image and page, side by side. */
  imageInstances(): ImageInstancesLoader {
    return new DataLoader((keys) => Promise.all(keys.map((key) => this.instances.listByImage(key))), {
      cacheKeyFn: ({ imageId, page, pageSize }) => `${imageId}:${page}:${pageSize}`,
    });
  }

  /** Fresh lookups for one REST request, batched as the GraphQL context's are. */
  preflight(): PreflightLookups {
    return { instance: this.instance(), imageQuota: this.quotas.create(), imageInFlight: this.imageInFlight() };
  }
}

export type { ImageInFlightLoader, ImageInstancesLoader, InstanceLoader, PreflightLookups, ZoneInstancesLoader } from './instances.lookups';
