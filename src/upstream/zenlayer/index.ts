/**
 * The gateway's only door to Zenlayer: features import from here and nowhere else in this
 * folder. It exports what other folders use, nothing more.
 */
export type { ZenlayerActionName } from './actions';
export { FileCredentials } from './credentials';
export type { DescribeImagesRequest, DescribeInstancesRequest, ImageInfo, ImageQuotaInfo, InstanceInfo, ZoneInfo } from './wire.types';
export { zoneSupportsImageCreation } from './zone-rules';
export { ZenlayerModule } from './zenlayer.module';
export { ZenlayerService, type ServiceCallOptions } from './zenlayer.service';
export { UpstreamPolicies } from './resilience';
