import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ImageCreationCheck } from './image-creation-check.model';

@ObjectType({ description: "An instance's system disk: what an image of the instance copies." })
export class SystemDisk {
  @ApiProperty({ type: Number, nullable: true, example: 40, description: 'Size in GB: the size of an image made of the instance.' })
  @Field(() => Int, { nullable: true, description: 'Size in GB: the size of an image made of the instance.' })
  sizeGb: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'Standard NVMe SSD', description: "The disk category, as Zenlayer names it." })
  @Field(() => String, { nullable: true, description: 'The disk category, as Zenlayer names it.' })
  category: string | null;
}

/** The image an instance was made from, as DescribeInstances names it. */
export class ImageRef {
  @ApiProperty({ example: 'img-ubuntu-2204' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ubuntu-22.04' })
  name: string | null;
}

/** What the instance statuses are called: Zenlayer's words, as it sends them. */
const STATUS_DESCRIPTION =
  "As Zenlayer sends it: RUNNING, STOPPED, STOPPING, BOOTING, ... (Zenlayer lists no closed set; a status the gateway does not know is shown as it comes). Only STOPPED allows making an image.";

@ObjectType({ description: 'A VM instance, to make an image of. Addresses and billing are deliberately left out.' })
export class Instance {
  @ApiProperty({ example: 'ins-fra-stopped' })
  @Field(() => ID)
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'fra-web-1' })
  @Field(() => String, { nullable: true })
  name: string | null;

  @ApiProperty({ example: 'FRA-A' })
  @Field()
  zoneId: string;

  @ApiProperty({ example: 'STOPPED', description: STATUS_DESCRIPTION })
  @Field({ description: STATUS_DESCRIPTION })
  status: string;

  @ApiProperty({ type: SystemDisk, nullable: true, description: 'null when Zenlayer reports no system disk (then no image can be made: DISK_UNAVAILABLE).' })
  @Field(() => SystemDisk, { nullable: true, description: 'null when Zenlayer reports no system disk (then no image can be made: DISK_UNAVAILABLE).' })
  systemDisk: SystemDisk | null;

  /** The image it was made from; in GraphQL the `sourceImage` field resolves it to an Image. */
  @ApiProperty({ type: ImageRef, nullable: true, description: 'The image the instance was made from, as Zenlayer names it.' })
  sourceImage: ImageRef | null;

  @ApiProperty({ type: String, nullable: true, example: '2024-01-11T08:11:00Z', description: 'When the instance was created (ISO 8601), as Zenlayer sends it.' })
  @Field(() => String, { nullable: true, description: 'When the instance was created (ISO 8601), as Zenlayer sends it.' })
  createdAt: string | null;
}

@ObjectType()
export class InstancePage {
  @ApiProperty({ type: [Instance] })
  @Field(() => [Instance])
  items: Instance[];

  @ApiProperty({ description: 'All instances matching the filter, on every page.' })
  @Field(() => Int, { description: 'All instances matching the filter, on every page.' })
  totalCount: number;

  @ApiProperty()
  @Field(() => Int)
  page: number;

  @ApiProperty()
  @Field(() => Int)
  pageSize: number;
}

/** REST: an instance with its image-creation check, as the create-image screen lists them. */
export class InstanceWithCheck extends Instance {
  @ApiProperty({ type: ImageCreationCheck })
  imageCreation: ImageCreationCheck;
}

/** REST: a page of instances with their checks. */
export class InstanceWithCheckPage {
  @ApiProperty({ type: [InstanceWithCheck] })
  items: InstanceWithCheck[];

  @ApiProperty({ description: 'All instances matching the filter, on every page.' })
  totalCount: number;

  @ApiProperty()
  page: number;

  @ApiProperty()
  pageSize: number;
}
