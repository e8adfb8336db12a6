import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { MAX_PAGE_SIZE } from '../../common/validation/rules';
import { ImagesService } from '../images/images.service';
import { ImageQuotaLoader, QuotasLoaders } from '../quotas/quotas.loaders';
import { InstancesService, ZonePageKey } from './instances.service';
import type { Instance, InstancePage } from './models/instance.model';

/** Instances by id (null for an unknown id): every lookup of one operation in one DescribeInstances. */
export type InstanceLoader = DataLoader<string, Instance | null>;
/**
 * By instance id, an image this gateway made from it that is still CREATING (null when none):
 * one DescribeImages per operation at most.
 */
export type ImageInFlightLoader = DataLoader<string, string | null>;
/** The first page of a zone's instances: every zone of one operation in one DescribeInstances. */
export type ZoneInstancesLoader = DataLoader<ZonePageKey, InstancePage, string>;

/** What the image-creation check reads through, batched per request. */
export interface PreflightLookups {
  instance: InstanceLoader;
  imageQuota: ImageQuotaLoader;
  imageInFlight: ImageInFlightLoader;
}

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
    return new DataLoader((ids) => this.images.creatingFrom(ids), { maxBatchSize: MAX_PAGE_SIZE });
  }

  zoneInstances(): ZoneInstancesLoader {
    return new DataLoader((keys) => this.instances.firstPagesByZone(keys), { cacheKeyFn: ({ zoneId, pageSize }) => `${zoneId}:${pageSize}` });
  }

  /** Fresh lookups for one REST request, batched as the GraphQL context's are. */
  preflight(): PreflightLookups {
    return { instance: this.instance(), imageQuota: this.quotas.create(), imageInFlight: this.imageInFlight() };
  }
}
