import type DataLoader from 'dataloader';
import type { InstanceInZone } from '../images/images.service';
import type { ImageQuotaLoader } from '../quotas/quotas.loaders';
import type { Instance, InstancePage } from './models/instance.model';

/** The first page of one zone's instances, as `Zone.instances` asks for it. */
export interface ZonePageKey {
  zoneId: string;
  pageSize: number;
}

/** A page of the instances made from one image, as `Image.instances` asks for it. */
export interface ImagePageKey {
  imageId: string;
  page: number;
  pageSize: number;
}

/** Instances by id (null for an unknown id): every lookup of one operation in one DescribeInstances. */
export type InstanceLoader = DataLoader<string, Instance | null>;
/**
 * By instance (and its zone), an image this gateway made from it that is still CREATING (null
 * when none): one DescribeImages per zone per operation at most.
 */
export type ImageInFlightLoader = DataLoader<InstanceInZone, string | null, string>;
/** The first page of a zone's instances: every zone of one operation in one DescribeInstances. */
export type ZoneInstancesLoader = DataLoader<ZonePageKey, InstancePage, string>;

/**
 * A page of the instances made from an image: one DescribeInstances (filtered by `imageId`) per
 * distinct image and page of one operation, all of them sent together.
 */
export type ImageInstancesLoader = DataLoader<ImagePageKey, InstancePage, string>;

/** What the image-creation check reads through, batched per request. */
export interface PreflightLookups {
  instance: InstanceLoader;
  imageQuota: ImageQuotaLoader;
  imageInFlight: ImageInFlightLoader;
}

