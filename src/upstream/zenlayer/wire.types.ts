/**
 * Request and response shapes of the Zenlayer `vm` service, version 2023-03-13, as they travel
 * on the wire (camelCase JSON). Responses are the content of the `response` envelope. Lists in
 * responses are optional, as in the SDKs: Zenlayer may omit an empty one.
 */

/** The documented image types: what the gateway sends. */
export type WireImageType = 'PUBLIC_IMAGE' | 'CUSTOM_IMAGE';
/** The documented image statuses: what the gateway sends. */
export type WireImageStatus = 'CREATING' | 'AVAILABLE' | 'UNAVAILABLE';

export interface ImageInfo {
  imageId: string;
  imageName: string;
  /** A {@link WireImageType}, or a value added by Zenlayer since. */
  imageType: string;
  /** Size in GB, as a decimal string. */
  imageSize?: string;
  imageDescription?: string;
  imageVersion?: string;
  /** A {@link WireImageStatus}, or a value added by Zenlayer since. */
  imageStatus: string;
  category?: string;
  osType?: string;
}

export interface ImageQuotaInfo {
  zoneId: string;
  count: number;
  maxCount: number;
}

export interface ZoneInfo {
  zoneId: string;
  zoneName?: string;
  supportSecurityGroup?: boolean;
  /** A string in the SDKs (`VPC`); older answers send a list. */
  supportNetworkType?: string | string[];
  supportIpv6?: boolean;
  supportCpuPassThrough?: boolean;
}

export interface SystemDiskInfo {
  diskId?: string;
  /** GB. */
  diskSize?: number;
  diskCategory?: string;
}

/**
 * InstanceInfo, the fields the gateway reads. Zenlayer sends more (IP addresses, billing,
 * network): deliberately not typed here, so that nothing passes them on. Every field may be
 * omitted when empty.
 */
export interface InstanceInfo {
  instanceId: string;
  zoneId?: string;
  instanceName?: string;
  /** `RUNNING`, `STOPPED`, `STOPPING`, `BOOTING`, ... : Zenlayer lists no closed set. */
  instanceStatus?: string;
  /** The image the instance was made from. */
  imageId?: string;
  imageName?: string;
  /** ISO 8601. */
  createTime?: string;
  systemDisk?: SystemDiskInfo;
}

export interface DescribeImageQuotaRequest {
  zoneIds?: string[];
}
export interface DescribeImageQuotaResponse {
  images?: ImageQuotaInfo[];
}

export interface CreateImageRequest {
  instanceId: string;
  imageName: string;
  imageDescription?: string;
}
export interface CreateImageResponse {
  imageId: string;
}

export interface DescribeImagesRequest {
  imageIds?: string[];
  imageName?: string;
  zoneId?: string;
  category?: string;
  imageType?: WireImageType;
  osType?: string;
  imageStatus?: WireImageStatus;
  pageNum?: number;
  pageSize?: number;
}
export interface DescribeImagesResponse {
  dataSet?: ImageInfo[];
  /** All matches on every page; when omitted, the length of `dataSet`. */
  totalCount?: number;
}

export interface DescribeImageRequest {
  imageId: string;
}
export type DescribeImageResponse = ImageInfo;

export interface ModifyImagesAttributesRequest {
  imageIds: string[];
  imageName?: string;
  imageDescription?: string;
}
export type ModifyImagesAttributesResponse = Record<string, never>;

export interface DeleteImagesRequest {
  imageIds: string[];
}
export type DeleteImagesResponse = Record<string, never>;

export interface DescribeInstancesRequest {
  instanceIds?: string[];
  zoneId?: string;
  instanceStatus?: string;
  instanceName?: string;
  /** Instances made from this image, in every zone. */
  imageId?: string;
  pageNum?: number;
  pageSize?: number;
}
export interface DescribeInstancesResponse {
  dataSet?: InstanceInfo[];
  /** All matches on every page; when omitted, the length of `dataSet`. */
  totalCount?: number;
}

export interface DescribeZonesRequest {
  zoneIds?: string[];
}
export interface DescribeZonesResponse {
  zoneSet?: ZoneInfo[];
}
