import { zoneSupportsImageCreation } from '../../upstream/zenlayer';
import type { ImageQuota } from '../quotas/image-quota.model';
import { ImageCreationBlocker, ImageCreationBlockerCode as Code, ImageCreationCheck } from './models/image-creation-check.model';
import type { Instance } from './models/instance.model';

/** The one status Zenlayer accepts CreateImage in. */
export const IMAGEABLE_STATUS = 'STOPPED';

/** What the check is made from: what Zenlayer said a moment ago. */
export interface PreflightFacts {
  /** The instance as DescribeInstances listed it. */
  instance: Instance;
  /** Its zone's quota; null when Zenlayer lists none for the zone. */
  quota: ImageQuota | null;
  /** An image this gateway made from the instance that is still CREATING, if any. */
  imageInFlight: string | null;
}

const blocker = (code: Code, message: string): ImageCreationBlocker => ({ code, message });

function notStopped(status: string): string {
  if (status === 'STOPPING') return 'The instance is STOPPING: wait until it is STOPPED, then make the image';
  return `The instance is ${status}, not STOPPED: shut it down and wait until it is STOPPED, then make the image`;
}

/** The check for an instance Zenlayer does not list: the query does not fail, it says why not. */
export function instanceNotFound(instanceId: string): ImageCreationCheck {
  return {
    allowed: false,
    reasons: [blocker(Code.INSTANCE_NOT_FOUND, `No instance ${instanceId} in this account: pick one from the instances list`)],
    quota: null,
  };
}

/**
 * Every reason Zenlayer would refuse CreateImage for, in the order of the blocker codes:
 * - INSTANCE_NOT_STOPPED: any status but STOPPED, statuses the gateway does not know included;
 * - ZONE_UNSUPPORTED: the zones Zenlayer documents as unsupported (SIN-E, LAX-A);
 * - DISK_UNAVAILABLE: Zenlayer reports no system disk (none, or one without an id);
 * - DISK_BUSY: an image this gateway made from the instance is still CREATING (ImageInfo names no
 *   source instance, so images made elsewhere are not seen; CreateImage's refusal still is);
 * - QUOTA_FULL: the zone's count is at or over its maxCount.
 */
export function checkImageCreation({ instance, quota, imageInFlight }: PreflightFacts): ImageCreationCheck {
  const reasons: ImageCreationBlocker[] = [];
  if (instance.status !== IMAGEABLE_STATUS) reasons.push(blocker(Code.INSTANCE_NOT_STOPPED, notStopped(instance.status)));
  if (!zoneSupportsImageCreation(instance.zoneId)) {
    reasons.push(
      blocker(Code.ZONE_UNSUPPORTED, `Zone ${instance.zoneId} does not support making images (SIN-E and LAX-A do not): pick an instance in another zone`),
    );
  }
  if (instance.systemDisk === null) {
    reasons.push(
      blocker(
        Code.DISK_UNAVAILABLE,
        "Zenlayer reports no usable system disk for this instance, so no image can be made of it now: check the instance in the Zenlayer console, or ask Zenlayer support",
      ),
    );
  }
  if (imageInFlight !== null) {
    reasons.push(
      blocker(Code.DISK_BUSY, `Image ${imageInFlight} is still being made of this instance's system disk: wait until it is AVAILABLE, then make the next one`),
    );
  }
  if (quota !== null && quota.count >= quota.maxCount) {
    reasons.push(
      blocker(
        Code.QUOTA_FULL,
        `Zone ${quota.zoneId} holds ${quota.count} of its ${quota.maxCount} custom images: delete a custom image in ${quota.zoneId}, or ask Zenlayer support to raise the limit`,
      ),
    );
  }
  return { allowed: reasons.length === 0, reasons, quota };
}
