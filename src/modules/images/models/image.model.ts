import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ImageType {
  PUBLIC_IMAGE = 'PUBLIC_IMAGE',
  CUSTOM_IMAGE = 'CUSTOM_IMAGE',
}
registerEnumType(ImageType, { name: 'ImageType', description: 'Provided by Zenlayer, or made by this account from an instance.' });

export enum ImageStatus {
  CREATING = 'CREATING',
  AVAILABLE = 'AVAILABLE',
  UNAVAILABLE = 'UNAVAILABLE',
}
registerEnumType(ImageStatus, { name: 'ImageStatus' });

@ObjectType({ description: 'A VM image: a public one, or a custom one made from an instance system disk.' })
export class Image {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => ImageType)
  type: ImageType;

  @Field(() => ImageStatus)
  status: ImageStatus;

  @Field(() => Float, { nullable: true, description: 'Size in GB (the system disk size for a custom image).' })
  sizeGb: number | null;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true })
  version: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. CentOS, Windows, Ubuntu, Debian.' })
  category: string | null;

  @Field(() => String, { nullable: true, description: 'Windows or Linux.' })
  osType: string | null;
}

@ObjectType()
export class ImagePage {
  @Field(() => [Image])
  items: Image[];

  @Field(() => Int, { description: 'All images matching the filter, on every page.' })
  totalCount: number;

  @Field(() => Int)
  page: number;

  @Field(() => Int)
  pageSize: number;
}

@ObjectType()
export class CreateImagePayload {
  @Field(() => ID)
  imageId: string;

  @Field({ description: "Zenlayer's request id, for support." })
  requestId: string;

  @Field(() => Image, { nullable: true, description: 'The new image, normally still CREATING.' })
  image?: Image | null;
}

@ObjectType()
export class UpdateImagesPayload {
  @Field()
  requestId: string;

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
