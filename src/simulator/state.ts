/**
 * The simulator's world and the documented rules, with no HTTP in sight.
 *
 * Seed world (restored by `reset()`):
 *
 * Zones (DescribeZones; CreateImage is not supported in SIN-E and LAX-A; image quota maxCount 5 everywhere):
 *   FRA-A "Frankfurt A", HKG-A "Hong Kong A", LAX-A "Los Angeles A", SIN-E "Singapore E", TYO-A "Tokyo A"
 *
 * Instances (DescribeInstances; name, system disk size, the public image it was made from):
 *   ins-fra-stopped   FRA-A  STOPPED   fra-web-1      40 GB  img-ubuntu-2204
 *   ins-fra-running   FRA-A  RUNNING   fra-db-1       40 GB  img-ubuntu-2204
 *   ins-hkg-stopped   HKG-A  STOPPED   hkg-app-1      60 GB  img-centos-79
 *   ins-tyo-stopped   TYO-A  STOPPED   tyo-batch-1    50 GB  img-debian-12
 *   ins-sin-stopped   SIN-E  STOPPED   sin-edge-1     40 GB  img-ubuntu-2204
 *   ins-lax-stopped   LAX-A  STOPPED   lax-win-1      60 GB  img-win-2022
 *   ins-hkg-booting   HKG-A  BOOTING   hkg-app-2      60 GB  img-centos-79
 *   ins-tyo-stopping  TYO-A  STOPPING  tyo-batch-2    50 GB  img-debian-12
 * Every one names the public image it was made from (`imageId`, `imageName`), which its zone
 * offers (public images are listed in every zone); DescribeInstances filters by it (`imageId`).
 * Each has a `Standard NVMe SSD` system disk `disk-<instance>-sys`, a private and a public IPv4
 * address and POSTPAID billing (on the wire, as Zenlayer sends them; the gateway shows neither).
 * A system disk can be marked unavailable (test control): DescribeInstances then omits it and
 * CreateImage refuses with UNSUPPORTED_OPERATION_DISK_UNAVAILABLE.
 *
 * Public images (AVAILABLE, in no zone's quota, listed for every zoneId filter):
 *   img-ubuntu-2204  Ubuntu-22.04         Ubuntu   linux    20 GB
 *   img-debian-12    Debian-12            Debian   linux    20 GB
 *   img-centos-79    CentOS-7.9           CentOS   linux    20 GB
 *   img-win-2022     Windows-Server-2022  Windows  windows  40 GB
 *
 * Custom images (AVAILABLE), so quota counts start at FRA-A 2/5, HKG-A 3/5, others 0/5:
 *   img-fra-web-01    fra-web-01    FRA-A  Ubuntu  40 GB
 *   img-fra-db-01     fra-db-01     FRA-A  Ubuntu  40 GB
 *   img-hkg-app-01    hkg-app-01    HKG-A  CentOS  60 GB
 *   img-hkg-app-02    hkg-app-02    HKG-A  CentOS  60 GB
 *   img-hkg-cache-01  hkg-缓存-01   HKG-A  CentOS  60 GB
 */
import { randomBytes } from 'node:crypto';
import { badRequest, notFound, SimulatorError, ZC_ERROR } from './errors';

/** Image types on the wire. */
export const IMAGE_TYPES = ['PUBLIC_IMAGE', 'CUSTOM_IMAGE'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
/** Image statuses on the wire. */
export const IMAGE_STATUSES = ['CREATING', 'AVAILABLE', 'UNAVAILABLE'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];
/** Instance states the simulator models (Zenlayer has more, e.g. DEPLOYING, REBUILDING, RELEASING). */
export const INSTANCE_STATUSES = ['RUNNING', 'STOPPED', 'STOPPING', 'BOOTING'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** A zone and its simulator-only properties. */
export interface ZoneRecord {
  readonly zoneId: string;
  readonly zoneName: string;
  readonly supportsImageCreation: boolean;
  readonly supportIpv6: boolean;
  readonly supportCpuPassThrough: boolean;
}

/** An instance: what DescribeInstances shows and CreateImage needs. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly zoneId: string;
  status: InstanceStatus;
  readonly createTime: string;
  readonly systemDiskSizeGb: number;
  /** False once a test marked the system disk unavailable. */
  systemDiskAvailable: boolean;
  /** The image the instance was made from: a public image, or (added by a test) a custom image of its zone. */
  readonly imageId: string;
  readonly imageName: string;
  readonly privateIp: string;
  readonly publicIp: string;
  readonly category: string;
  readonly osType: string;
  readonly osVersion: string;
}

/** An image; `zoneId` and `sourceInstanceId` are internal, never on the wire. */
export interface ImageRecord {
  readonly imageId: string;
  imageName: string;
  readonly imageType: ImageType;
  readonly imageSize: string;
  imageDescription?: string;
  readonly imageVersion: string;
  imageStatus: ImageStatus;
  readonly category: string;
  readonly osType: string;
  readonly zoneId?: string;
  readonly sourceInstanceId?: string;
}

/** ImageInfo as Zenlayer sends it. */
export interface WireImageInfo {
  imageId: string;
  imageName: string;
  imageType: ImageType;
  imageSize: string;
  imageDescription?: string;
  imageVersion: string;
  imageStatus: ImageStatus;
  category: string;
  osType: string;
}

/** InstanceInfo as Zenlayer sends it: a realistic subset of the SDK's fields, IPs and billing included. */
export interface WireInstanceInfo {
  instanceId: string;
  zoneId: string;
  instanceName: string;
  instanceType: string;
  cpuCount: number;
  memory: number;
  imageId: string;
  imageName: string;
  instanceChargeType: string;
  internetChargeType: string;
  internetMaxBandwidthOut: number;
  publicIpAddresses: string[];
  privateIpAddresses: string[];
  createTime: string;
  instanceStatus: InstanceStatus;
  /** Omitted (as Zenlayer omits empty fields) while the disk is unavailable. */
  systemDisk?: { diskId: string; diskSize: number; diskCategory: string };
}

/** DescribeInstances filters; all optional, ANDed together. */
export interface InstanceFilter {
  readonly instanceIds?: readonly string[];
  readonly zoneId?: string;
  readonly instanceStatus?: string;
  /** Matches names containing it (case-insensitive). */
  readonly instanceName?: string;
  /** The image the instances were made from, exactly; an unknown id matches nothing. */
  readonly imageId?: string;
}

/** ZoneInfo as Zenlayer sends it. */
export interface WireZoneInfo {
  zoneId: string;
  zoneName: string;
  supportSecurityGroup: boolean;
  /** One network type, e.g. `VPC`: a string in the SDKs' ZoneInfo, not a list. */
  supportNetworkType: string;
  supportIpv6: boolean;
  supportCpuPassThrough: boolean;
}

/** ImageQuotaInfo as Zenlayer sends it. */
export interface WireImageQuota {
  zoneId: string;
  count: number;
  maxCount: number;
}

/** DescribeImages filters; all optional, ANDed together. */
export interface ImageFilter {
  readonly imageIds?: readonly string[];
  readonly imageName?: string;
  readonly zoneId?: string;
  readonly category?: string;
  readonly imageType?: ImageType;
  readonly osType?: string;
  readonly imageStatus?: ImageStatus;
}

/** The documented default image quota per zone. */
export const DEFAULT_IMAGE_QUOTA = 5;

const zone = (zoneId: string, zoneName: string, supportsImageCreation: boolean, supportIpv6: boolean, supportCpuPassThrough: boolean): ZoneRecord => ({
  zoneId,
  zoneName,
  supportsImageCreation,
  supportIpv6,
  supportCpuPassThrough,
});

const UBUNTU = { category: 'Ubuntu', osType: 'linux', osVersion: '22.04', imageId: 'img-ubuntu-2204', imageName: 'Ubuntu-22.04' } as const;
const CENTOS = { category: 'CentOS', osType: 'linux', osVersion: '7.9', imageId: 'img-centos-79', imageName: 'CentOS-7.9' } as const;
const DEBIAN = { category: 'Debian', osType: 'linux', osVersion: '12', imageId: 'img-debian-12', imageName: 'Debian-12' } as const;
const WINDOWS = { category: 'Windows', osType: 'windows', osVersion: '2022', imageId: 'img-win-2022', imageName: 'Windows-Server-2022' } as const;
type OperatingSystem = typeof UBUNTU | typeof CENTOS | typeof DEBIAN | typeof WINDOWS;
/** What an instance takes from the image it was made from. */
type SourceImage = { readonly [Key in 'category' | 'osType' | 'osVersion' | 'imageId' | 'imageName']: string };

const instance = (
  n: number,
  instanceId: string,
  instanceName: string,
  zoneId: string,
  status: InstanceStatus,
  systemDiskSizeGb: number,
  os: SourceImage,
): InstanceRecord => ({
  instanceId,
  instanceName,
  zoneId,
  status,
  // A week apart, from 2024-01-08, to the second as Zenlayer writes them.
  createTime: new Date(Date.UTC(2024, 0, 1 + 7 * n, 8, 10 + (n % 50))).toISOString().replace('.000Z', 'Z'),
  systemDiskSizeGb,
  systemDiskAvailable: true,
  imageId: os.imageId,
  imageName: os.imageName,
  // Documentation ranges (RFC 5737), never real addresses.
  privateIp: `10.0.0.${10 + n}`,
  publicIp: `203.0.113.${10 + n}`,
  category: os.category,
  osType: os.osType,
  osVersion: os.osVersion,
});

const publicImage = (imageId: string, imageName: string, sizeGb: number, os: OperatingSystem, imageDescription: string): ImageRecord => ({
  imageId,
  imageName,
  imageType: 'PUBLIC_IMAGE',
  imageSize: String(sizeGb),
  imageDescription,
  imageVersion: os.osVersion,
  imageStatus: 'AVAILABLE',
  category: os.category,
  osType: os.osType,
});

const customImage = (imageId: string, imageName: string, zoneId: string, sizeGb: number, os: OperatingSystem, imageDescription: string): ImageRecord => ({
  ...publicImage(imageId, imageName, sizeGb, os, imageDescription),
  imageType: 'CUSTOM_IMAGE',
  zoneId,
});

const freezeAll = <T extends object>(items: T[]): readonly Readonly<T>[] => Object.freeze(items.map((item) => Object.freeze(item)));

/** The seed world, documented at the top of this file. Frozen: the state works on copies. */
export const SIMULATOR_SEED = Object.freeze({
  zones: freezeAll([
    zone('FRA-A', 'Frankfurt A', true, true, false),
    zone('HKG-A', 'Hong Kong A', true, true, true),
    zone('LAX-A', 'Los Angeles A', false, false, false),
    zone('SIN-E', 'Singapore E', false, false, true),
    zone('TYO-A', 'Tokyo A', true, true, false),
  ]),
  instances: freezeAll([
    instance(1, 'ins-fra-stopped', 'fra-web-1', 'FRA-A', 'STOPPED', 40, UBUNTU),
    instance(2, 'ins-fra-running', 'fra-db-1', 'FRA-A', 'RUNNING', 40, UBUNTU),
    instance(3, 'ins-hkg-stopped', 'hkg-app-1', 'HKG-A', 'STOPPED', 60, CENTOS),
    instance(4, 'ins-tyo-stopped', 'tyo-batch-1', 'TYO-A', 'STOPPED', 50, DEBIAN),
    instance(5, 'ins-sin-stopped', 'sin-edge-1', 'SIN-E', 'STOPPED', 40, UBUNTU),
    instance(6, 'ins-lax-stopped', 'lax-win-1', 'LAX-A', 'STOPPED', 60, WINDOWS),
    instance(7, 'ins-hkg-booting', 'hkg-app-2', 'HKG-A', 'BOOTING', 60, CENTOS),
    instance(8, 'ins-tyo-stopping', 'tyo-batch-2', 'TYO-A', 'STOPPING', 50, DEBIAN),
  ]),
  images: freezeAll([
    publicImage('img-ubuntu-2204', 'Ubuntu-22.04', 20, UBUNTU, 'Ubuntu Server 22.04 LTS 64-bit'),
    publicImage('img-debian-12', 'Debian-12', 20, DEBIAN, 'Debian 12 (bookworm) 64-bit'),
    publicImage('img-centos-79', 'CentOS-7.9', 20, CENTOS, 'CentOS 7.9 64-bit'),
    publicImage('img-win-2022', 'Windows-Server-2022', 40, WINDOWS, 'Windows Server 2022 Datacenter 64-bit'),
    customImage('img-fra-web-01', 'fra-web-01', 'FRA-A', 40, UBUNTU, 'Nginx web tier golden image'),
    customImage('img-fra-db-01', 'fra-db-01', 'FRA-A', 40, UBUNTU, 'PostgreSQL 16 primary'),
    customImage('img-hkg-app-01', 'hkg-app-01', 'HKG-A', 60, CENTOS, 'Java application server, release 1'),
    customImage('img-hkg-app-02', 'hkg-app-02', 'HKG-A', 60, CENTOS, 'Java application server, release 2'),
    customImage('img-hkg-cache-01', 'hkg-缓存-01', 'HKG-A', 60, CENTOS, 'Redis cache node'),
  ]),
});

/** Construction options of {@link SimulatorState}. */
export interface SimulatorStateOptions {
  /** How long a new image stays CREATING. */
  readonly imageReadyDelayMs: number;
  /** Source of new image ids; injectable for deterministic tests. */
  readonly newImageId?: () => string;
}

/** A page of DescribeInstances. */
export interface InstancePage {
  dataSet: WireInstanceInfo[];
  totalCount: number;
}

/** A page of DescribeImages. */
export interface ImagePage {
  dataSet: WireImageInfo[];
  totalCount: number;
}

/**
 * Zones, instances, images and quotas, and every rule of the image actions. Rule failures are
 * thrown as `SimulatorError`s carrying the documented code and status.
 */
export class SimulatorState {
  private readonly zones = new Map<string, ZoneRecord>();
  private readonly quotas = new Map<string, number>();
  private readonly instances = new Map<string, InstanceRecord>();
  // Insertion order is the listing order: seed public images, then custom images by creation.
  private readonly images = new Map<string, ImageRecord>();
  private readonly readyTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SimulatorStateOptions) {
    for (const z of SIMULATOR_SEED.zones) {
      this.zones.set(z.zoneId, { ...z });
      this.quotas.set(z.zoneId, DEFAULT_IMAGE_QUOTA);
    }
    for (const i of SIMULATOR_SEED.instances) this.instances.set(i.instanceId, { ...i });
    for (const img of SIMULATOR_SEED.images) this.images.set(img.imageId, { ...img });
  }

  /** DescribeImageQuota: all zones when `zoneIds` is absent, else in the order asked (duplicates dropped). */
  describeImageQuota(zoneIds?: readonly string[]): WireImageQuota[] {
    return this.selectZones(zoneIds).map((z) => ({
      zoneId: z.zoneId,
      count: this.customImageCount(z.zoneId),
      maxCount: this.quotas.get(z.zoneId) ?? DEFAULT_IMAGE_QUOTA,
    }));
  }

  /** DescribeZones: all zones when `zoneIds` is absent, else in the order asked (duplicates dropped). */
  describeZones(zoneIds?: readonly string[]): WireZoneInfo[] {
    return this.selectZones(zoneIds).map((z) => ({
      zoneId: z.zoneId,
      zoneName: z.zoneName,
      supportSecurityGroup: true,
      supportNetworkType: 'VPC',
      supportIpv6: z.supportIpv6,
      supportCpuPassThrough: z.supportCpuPassThrough,
    }));
  }

  /** DescribeImages: filters ANDed, unknown image ids simply match nothing, `totalCount` before paging. */
  describeImages(filter: ImageFilter, pageNum: number, pageSize: number): ImagePage {
    if (filter.zoneId !== undefined) this.requireZone(filter.zoneId);
    const matches = [...this.images.values()].filter((image) => matchesFilter(image, filter));
    const start = (pageNum - 1) * pageSize;
    return { dataSet: matches.slice(start, start + pageSize).map(toWireImage), totalCount: matches.length };
  }

  /**
   * DescribeInstances: filters ANDed, unknown instance ids simply match nothing, an unknown
   * zoneId is INVALID_ZONE_NOT_FOUND, `totalCount` before paging, listed in seed order.
   */
  describeInstances(filter: InstanceFilter, pageNum: number, pageSize: number): InstancePage {
    if (filter.zoneId !== undefined) this.requireZone(filter.zoneId);
    const matches = [...this.instances.values()].filter((record) => matchesInstanceFilter(record, filter));
    const start = (pageNum - 1) * pageSize;
    return { dataSet: matches.slice(start, start + pageSize).map(toWireInstance), totalCount: matches.length };
  }

  /** Every instance as the state holds it (copies), in listing order: what a test compares answers with. */
  instanceRecords(): InstanceRecord[] {
    return [...this.instances.values()].map((record) => ({ ...record }));
  }

  /** DescribeImage: one image by id. */
  describeImage(imageId: string): WireImageInfo {
    const image = this.images.get(imageId);
    if (image === undefined) throw imageNotFound(imageId);
    return toWireImage(image);
  }

  /**
   * CreateImage. Checks in this order: instance exists, zone supports image creation, instance
   * stopped, system disk available, system disk not already being imaged, zone quota. The image is CREATING until
   * `imageReadyDelayMs` has passed.
   */
  createImage(instanceId: string, imageName: string, imageDescription?: string): string {
    const source = this.instances.get(instanceId);
    if (source === undefined) throw notFound(ZC_ERROR.instanceNotFound, `Instance ${instanceId} does not exist`);
    this.assertCanImage(source);
    const imageId = this.freshImageId();
    this.images.set(imageId, {
      imageId,
      imageName,
      imageType: 'CUSTOM_IMAGE',
      imageSize: String(source.systemDiskSizeGb),
      imageDescription,
      imageVersion: source.osVersion,
      imageStatus: 'CREATING',
      category: source.category,
      osType: source.osType,
      zoneId: source.zoneId,
      sourceInstanceId: source.instanceId,
    });
    this.scheduleReady(imageId);
    return imageId;
  }

  /** ModifyImagesAttributes: every id must be an existing custom image, none CREATING; all or nothing. */
  modifyImagesAttributes(imageIds: readonly string[], imageName?: string, imageDescription?: string): void {
    const targets = imageIds.map((id) => this.requireCustomImage(id));
    assertNoneCreating(targets, 'modified');
    for (const image of targets) {
      if (imageName !== undefined) image.imageName = imageName;
      if (imageDescription !== undefined) image.imageDescription = imageDescription;
    }
  }

  /** DeleteImages: every id must be an existing custom image, none CREATING; all or nothing. Frees quota. */
  deleteImages(imageIds: readonly string[]): void {
    const targets = imageIds.map((id) => this.requireCustomImage(id));
    assertNoneCreating(targets, 'deleted');
    for (const image of targets) this.images.delete(image.imageId);
  }

  /** Powers an instance on or off (test control). */
  setInstanceStatus(instanceId: string, status: InstanceStatus): void {
    const target = this.instances.get(instanceId);
    if (target === undefined) throw new Error(`Unknown simulator instance ${instanceId}`);
    target.status = status;
  }

  /**
   * Adds a STOPPED (or `status`) instance with a 40 GB system disk (test control), e.g. to fill a
   * page; `reset()` removes it. It is made from the public Ubuntu image, or from `imageId`: a
   * public image, or a custom image of the instance's zone (as Zenlayer only deploys a custom
   * image in its own zone); it then names that image, as DescribeInstances does.
   */
  addInstance(instanceId: string, zoneId: string, status: InstanceStatus = 'STOPPED', imageId?: string): void {
    if (this.instances.has(instanceId)) throw new Error(`Simulator instance ${instanceId} exists already`);
    if (!this.zones.has(zoneId)) throw new Error(`Unknown simulator zone ${zoneId}`);
    const source = imageId === undefined ? UBUNTU : this.deployableImage(imageId, zoneId);
    const n = (this.instances.size % 200) + 1;
    this.instances.set(instanceId, instance(n, instanceId, instanceId.replace(/^ins-/, ''), zoneId, status, 40, source));
  }

  /** Marks an instance's system disk available or not (test control). */
  setSystemDiskAvailable(instanceId: string, available: boolean): void {
    const target = this.instances.get(instanceId);
    if (target === undefined) throw new Error(`Unknown simulator instance ${instanceId}`);
    target.systemDiskAvailable = available;
  }

  /** Changes a zone's custom image quota (test control). */
  setQuota(zoneId: string, maxCount: number): void {
    if (!this.zones.has(zoneId)) throw new Error(`Unknown simulator zone ${zoneId}`);
    if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
    this.quotas.set(zoneId, maxCount);
  }

  /** Forces an image's status, e.g. UNAVAILABLE to model a failed build (test control). */
  setImageStatus(imageId: string, status: ImageStatus): void {
    const image = this.images.get(imageId);
    if (image === undefined) throw new Error(`Unknown simulator image ${imageId}`);
    image.imageStatus = status;
  }

  /** Cancels pending CREATING -> AVAILABLE transitions. */
  dispose(): void {
    for (const timer of this.readyTimers) clearTimeout(timer);
    this.readyTimers.clear();
  }

  private selectZones(zoneIds?: readonly string[]): ZoneRecord[] {
    if (zoneIds === undefined) return [...this.zones.values()];
    return [...new Set(zoneIds)].map((id) => this.requireZone(id));
  }

  private requireZone(zoneId: string): ZoneRecord {
    const found = this.zones.get(zoneId);
    if (found === undefined) throw notFound(ZC_ERROR.zoneNotFound, `Zone ${zoneId} does not exist`);
    return found;
  }

  private deployableImage(imageId: string, zoneId: string): SourceImage {
    const image = this.images.get(imageId);
    if (image === undefined) throw new Error(`Unknown simulator image ${imageId}`);
    if (image.imageType === 'CUSTOM_IMAGE' && image.zoneId !== zoneId) throw new Error(`Custom image ${imageId} is in ${image.zoneId}, not ${zoneId}`);
    return { imageId: image.imageId, imageName: image.imageName, category: image.category, osType: image.osType, osVersion: image.imageVersion };
  }

  // Public images are not the caller's to change, so they read as not found, like unknown ids.
  private requireCustomImage(imageId: string): ImageRecord {
    const image = this.images.get(imageId);
    if (image === undefined || image.imageType !== 'CUSTOM_IMAGE') throw imageNotFound(imageId);
    return image;
  }

  private assertCanImage(source: InstanceRecord): void {
    const zoneId = source.zoneId;
    if (!this.requireZone(zoneId).supportsImageCreation) {
      throw badRequest(ZC_ERROR.zoneNotSupport, `Zone ${zoneId} does not support creating images`);
    }
    if (source.status !== 'STOPPED') {
      throw badRequest(ZC_ERROR.instanceStateStarting, `Instance ${source.instanceId} must be stopped before creating an image`);
    }
    if (!source.systemDiskAvailable) {
      throw badRequest(ZC_ERROR.diskUnavailable, `The system disk of instance ${source.instanceId} is unavailable`);
    }
    if (this.isDiskBeingImaged(source.instanceId)) {
      throw badRequest(ZC_ERROR.diskMakingImage, `The system disk of instance ${source.instanceId} is already being imaged`);
    }
    const maxCount = this.quotas.get(zoneId) ?? DEFAULT_IMAGE_QUOTA;
    if (this.customImageCount(zoneId) >= maxCount) {
      throw badRequest(ZC_ERROR.imageQuotaExceeded, `Zone ${zoneId} already holds ${maxCount} custom images, its maximum`);
    }
  }

  private isDiskBeingImaged(instanceId: string): boolean {
    return [...this.images.values()].some((image) => image.sourceInstanceId === instanceId && image.imageStatus === 'CREATING');
  }

  private customImageCount(zoneId: string): number {
    return [...this.images.values()].filter((image) => image.imageType === 'CUSTOM_IMAGE' && image.zoneId === zoneId).length;
  }

  private freshImageId(): string {
    const next = this.options.newImageId ?? (() => `img-${randomBytes(6).toString('hex')}`);
    let imageId = next();
    while (this.images.has(imageId)) imageId = next();
    return imageId;
  }

  private scheduleReady(imageId: string): void {
    const timer = setTimeout(() => {
      this.readyTimers.delete(timer);
      const image = this.images.get(imageId);
      // A test may have forced another status meanwhile; only a still-building image becomes ready.
      if (image?.imageStatus === 'CREATING') image.imageStatus = 'AVAILABLE';
    }, this.options.imageReadyDelayMs);
    timer.unref();
    this.readyTimers.add(timer);
  }
}

// Checked after every id is found, so an unknown id wins over a busy one, and before any change (all or nothing).
function assertNoneCreating(targets: readonly ImageRecord[], verb: 'modified' | 'deleted'): void {
  const busy = targets.find((image) => image.imageStatus === 'CREATING');
  if (busy !== undefined) throw badRequest(ZC_ERROR.imageStatus, `Image ${busy.imageId} is CREATING and cannot be ${verb} yet`);
}

function imageNotFound(imageId: string): SimulatorError {
  return notFound(ZC_ERROR.imageNotFound, `Image ${imageId} does not exist`);
}

function matchesFilter(image: ImageRecord, filter: ImageFilter): boolean {
  return (
    (filter.imageIds === undefined || filter.imageIds.includes(image.imageId)) &&
    (filter.imageName === undefined || image.imageName === filter.imageName) &&
    (filter.zoneId === undefined || image.imageType === 'PUBLIC_IMAGE' || image.zoneId === filter.zoneId) &&
    (filter.category === undefined || image.category === filter.category) &&
    (filter.imageType === undefined || image.imageType === filter.imageType) &&
    (filter.osType === undefined || matchesOsType(image.osType, filter.osType)) &&
    (filter.imageStatus === undefined || image.imageStatus === filter.imageStatus)
  );
}

/**
 * Zenlayer answers `linux` and `windows` but documents the filter's values as `Linux` and
 * `Windows`: the documented spelling matches, any other matches nothing (as an unknown value).
 */
const DOCUMENTED_OS_TYPES: ReadonlySet<string> = new Set(['Linux', 'Windows']);
const matchesOsType = (osType: string, filter: string): boolean => DOCUMENTED_OS_TYPES.has(filter) && osType === filter.toLowerCase();

function matchesInstanceFilter(record: InstanceRecord, filter: InstanceFilter): boolean {
  return (
    (filter.instanceIds === undefined || filter.instanceIds.includes(record.instanceId)) &&
    (filter.zoneId === undefined || record.zoneId === filter.zoneId) &&
    (filter.instanceStatus === undefined || record.status === filter.instanceStatus) &&
    (filter.instanceName === undefined || record.instanceName.toLowerCase().includes(filter.instanceName.toLowerCase())) &&
    (filter.imageId === undefined || record.imageId === filter.imageId)
  );
}

function toWireInstance(record: InstanceRecord): WireInstanceInfo {
  return {
    instanceId: record.instanceId,
    zoneId: record.zoneId,
    instanceName: record.instanceName,
    instanceType: 'z2a.cpu.2',
    cpuCount: 2,
    memory: 4,
    imageId: record.imageId,
    imageName: record.imageName,
    instanceChargeType: 'POSTPAID',
    internetChargeType: 'ByBandwidth',
    internetMaxBandwidthOut: 10,
    publicIpAddresses: [record.publicIp],
    privateIpAddresses: [record.privateIp],
    createTime: record.createTime,
    instanceStatus: record.status,
    ...(record.systemDiskAvailable && {
      systemDisk: { diskId: `disk-${record.instanceId.slice('ins-'.length)}-sys`, diskSize: record.systemDiskSizeGb, diskCategory: 'Standard NVMe SSD' },
    }),
  };
}

function toWireImage(image: ImageRecord): WireImageInfo {
  return {
    imageId: image.imageId,
    imageName: image.imageName,
    imageType: image.imageType,
    imageSize: image.imageSize,
    imageDescription: image.imageDescription,
    imageVersion: image.imageVersion,
    imageStatus: image.imageStatus,
    category: image.category,
    osType: image.osType,
  };
}
