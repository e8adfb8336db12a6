import type { InstanceInfo } from '../../upstream/zenlayer';
import type { Instance } from './models/instance.model';

/** What stands for a status Zenlayer left out: never eligible, like any status but STOPPED. */
export const STATUS_NOT_REPORTED = 'UNKNOWN';

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Wire `InstanceInfo` to the schema's `Instance`: only what choosing an instance needs. Zenlayer's
 * addresses, billing and network fields are never read. A system disk without an id is no disk.
 */
export function toInstance(info: InstanceInfo): Instance {
  const disk = info.systemDisk;
  const imageId = text(info.imageId);
  return {
    id: info.instanceId,
    name: text(info.instanceName),
    zoneId: text(info.zoneId) ?? '',
    status: text(info.instanceStatus) ?? STATUS_NOT_REPORTED,
    systemDisk: text(disk?.diskId)
      ? { sizeGb: typeof disk?.diskSize === 'number' && disk.diskSize > 0 ? disk.diskSize : null, category: text(disk?.diskCategory) }
      : null,
    sourceImage: imageId ? { id: imageId, name: text(info.imageName) } : null,
    createdAt: text(info.createTime),
  };
}
