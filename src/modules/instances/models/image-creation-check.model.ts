import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ImageQuota } from '../../quotas/image-quota.model';

/**
 * Why an image cannot be made of an instance now. A refused createImage names the same code in
 * `extensions.blocker` (REST: `blocker`), so a client handles the check and the refusal alike.
 */
export enum ImageCreationBlockerCode {
  INSTANCE_NOT_FOUND = 'INSTANCE_NOT_FOUND',
  INSTANCE_NOT_STOPPED = 'INSTANCE_NOT_STOPPED',
  ZONE_UNSUPPORTED = 'ZONE_UNSUPPORTED',
  DISK_UNAVAILABLE = 'DISK_UNAVAILABLE',
  DISK_BUSY = 'DISK_BUSY',
  QUOTA_FULL = 'QUOTA_FULL',
}
registerEnumType(ImageCreationBlockerCode, {
  name: 'ImageCreationBlockerCode',
  valuesMap: {
    INSTANCE_NOT_FOUND: { description: 'Zenlayer lists no instance with this id in the account.' },
    INSTANCE_NOT_STOPPED: { description: 'The instance is not STOPPED (any other status, a status unknown to the gateway included).' },
    ZONE_UNSUPPORTED: { description: "The instance's zone does not support making images (SIN-E and LAX-A)." },
    DISK_UNAVAILABLE: { description: 'Zenlayer reports no usable system disk for the instance.' },
    DISK_BUSY: { description: 'An image this gateway started from the instance is still CREATING.' },
    QUOTA_FULL: { description: "The zone's custom images are at its maxCount." },
  },
});

@ObjectType({ description: 'One reason an image cannot be made now, and what the user can do about it.' })
export class ImageCreationBlocker {
  @ApiProperty({ enum: ImageCreationBlockerCode, enumName: 'ImageCreationBlockerCode' })
  @Field(() => ImageCreationBlockerCode)
  code: ImageCreationBlockerCode;

  @ApiProperty({ example: 'The instance is RUNNING: shut it down and wait until it is STOPPED, then make the image' })
  @Field({ description: 'What is wrong and what the user can do about it.' })
  message: string;
}

@ObjectType({
  description:
    "Whether an image can be made of an instance now, from what Zenlayer said a moment ago: advice for the screen, not a promise (createImage may still be refused, with the same blocker code).",
})
export class ImageCreationCheck {
  @ApiProperty({ description: 'True only when no reason applies.' })
  @Field({ description: 'True only when no reason applies.' })
  allowed: boolean;

  @ApiProperty({ type: [ImageCreationBlocker], description: 'Every reason that applies, not only the first.' })
  @Field(() => [ImageCreationBlocker], { description: 'Every reason that applies, not only the first.' })
  reasons: ImageCreationBlocker[];

  @ApiProperty({ type: ImageQuota, nullable: true, description: "The custom image quota of the instance's zone; null when the instance is not found." })
  @Field(() => ImageQuota, { nullable: true, description: "The custom image quota of the instance's zone; null when the instance is not found." })
  quota: ImageQuota | null;
}
