import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

const UNKNOWN_VALUE = {
  description: 'Zenlayer sent a value this gateway does not know (one added since); not accepted in filters.',
};

export enum ImageType {
  PUBLIC_IMAGE = 'PUBLIC_IMAGE',
  CUSTOM_IMAGE = 'CUSTOM_IMAGE',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(ImageType, {
  name: 'ImageType',
  description: 'Provided by Zenlayer, or made by this account from an instance.',
  valuesMap: { UNKNOWN: UNKNOWN_VALUE },
});

export enum ImageStatus {
  CREATING = 'CREATING',
  AVAILABLE = 'AVAILABLE',
  UNAVAILABLE = 'UNAVAILABLE',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(ImageStatus, { name: 'ImageStatus', valuesMap: { UNKNOWN: UNKNOWN_VALUE } });

/** The image types a filter may name: every one Zenlayer documents, so not UNKNOWN. */
export type FilterableImageType = Exclude<ImageType, ImageType.UNKNOWN>;
export const FILTERABLE_IMAGE_TYPES: readonly FilterableImageType[] = [ImageType.PUBLIC_IMAGE, ImageType.CUSTOM_IMAGE];

/** The image statuses a filter may name: every one Zenlayer documents, so not UNKNOWN. */
export type FilterableImageStatus = Exclude<ImageStatus, ImageStatus.UNKNOWN>;
export const FILTERABLE_IMAGE_STATUSES: readonly FilterableImageStatus[] = [ImageStatus.CREATING, ImageStatus.AVAILABLE, ImageStatus.UNAVAILABLE];

/** Zenlayer's documented categories; the list grows, so it is not a closed enum. */
export const IMAGE_CATEGORY_DESCRIPTION =
  'As Zenlayer names it: CentOS, Windows, Ubuntu, Debian, Rocky, Fedora, FreeBSD, Alpine, ArchLinux, AlmaLinux, openSUSE, Gentoo, Generic, OTHERS, or one added since.';
const OS_TYPE_DESCRIPTION = 'As Zenlayer sends it: linux or windows (the filter takes either case).';
const IMAGE_ZONE_DESCRIPTION =
  'For a custom image, the zone it is in; for a public image, which every zone offers, the zone it was listed or looked up in. Null only when no zone is known: never for an image this gateway read from Zenlayer, which it always asks in a zone.';

@ObjectType({ description: 'A VM image: a public one, or a custom one made from an instance system disk.' })
export class Image {
  @ApiProperty({ example: 'img-fra-web-01' })
  @Field(() => ID)
  id: string;

  @ApiProperty({ example: 'fra-web-01' })
  @Field()
  name: string;

  @ApiProperty({ enum: ImageType, enumName: 'ImageType' })
  @Field(() => ImageType)
  type: ImageType;

  @ApiProperty({ enum: ImageStatus, enumName: 'ImageStatus' })
  @Field(() => ImageStatus)
  status: ImageStatus;

  @ApiProperty({ type: Number, nullable: true, example: 40, description: 'Size in GB (the system disk size for a custom image).' })
  @Field(() => Float, { nullable: true, description: 'Size in GB (the system disk size for a custom image).' })
  sizeGb: number | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  description: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  version: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ubuntu', description: IMAGE_CATEGORY_DESCRIPTION })
  @Field(() => String, { nullable: true, description: IMAGE_CATEGORY_DESCRIPTION })
  category: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'linux', description: OS_TYPE_DESCRIPTION })
  @Field(() => String, { nullable: true, description: OS_TYPE_DESCRIPTION })
  osType: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'FRA-A', description: IMAGE_ZONE_DESCRIPTION })
  @Field(() => String, { nullable: true, description: IMAGE_ZONE_DESCRIPTION })
  zoneId: string | null;
}

@ObjectType()
export class ImagePage {
  @ApiProperty({ type: [Image] })
  @Field(() => [Image])
  items: Image[];

  @ApiProperty({ description: 'All images matching the filter, on every page.' })
  @Field(() => Int, { description: 'All images matching the filter, on every page.' })
  totalCount: number;

  @ApiProperty()
  @Field(() => Int)
  page: number;

  @ApiProperty()
  @Field(() => Int)
  pageSize: number;
}

/** What one CreateImage gives back: the new image's id, and Zenlayer's request id for support. */
export interface CreatedImage {
  imageId: string;
  requestId: string;
}

@ObjectType()
export class CreateImagePayload {
  @ApiProperty({ example: 'img-3f9a1c2b7d4e' })
  @Field(() => ID)
  imageId: string;

  @ApiProperty({ description: "Zenlayer's request id, for support.", example: 'T1B6F0E2A-...' })
  @Field({ description: "Zenlayer's request id, for support." })
  requestId: string;

  @Field(() => Image, { nullable: true, description: 'The new image, normally still CREATING.' })
  image?: Image | null;
}

@ObjectType()
export class UpdateImagesPayload {
  @ApiProperty()
  @Field()
  requestId: string;

  @ApiProperty({ type: [Image] })
  @Field(() => [Image])
  images: Image[];
}

@ObjectType()
export class DeleteImagesPayload {
  @Field()
  requestId: string;

  @Field(() => [ID])
  deletedIds: string[];
}
