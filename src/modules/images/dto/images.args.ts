import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { PageArgs } from '../../../common/validation/paging';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import {
  IMAGE_NAME_FILTER_MAX,
  IsIdempotencyKey,
  IsIdList,
  IsImageDescription,
  IsImageName,
  IsImageNameFilter,
  IsResourceId,
  IsZoneId,
  RequireOneOf,
} from '../../../common/validation/rules';
import {
  FILTERABLE_IMAGE_STATUSES,
  FILTERABLE_IMAGE_TYPES,
  FilterableImageStatus,
  FilterableImageType,
  IMAGE_CATEGORY_DESCRIPTION,
  ImageStatus,
  ImageType,
} from '../models/image.model';

/** The filter rule for an image type: UNKNOWN is an answer, never a question. */
export const IsFilterableImageType = () => IsIn(FILTERABLE_IMAGE_TYPES, { message: `must be one of ${FILTERABLE_IMAGE_TYPES.join(', ')}` });
/** The filter rule for an image status: UNKNOWN is an answer, never a question. */
export const IsFilterableImageStatus = () =>
  IsIn(FILTERABLE_IMAGE_STATUSES, { message: `must be one of ${FILTERABLE_IMAGE_STATUSES.join(', ')}` });

/** Shared by the GraphQL filter and the REST query. */
export const IMAGE_ZONE_FILTER_DESCRIPTION =
  'The zone to list: its custom images and the public images. Without it, the custom images of every zone, each with its zoneId (one upstream call per zone), or with ids those images wherever they are; public images need a zone.';
export const OS_TYPE_FILTER_DESCRIPTION = 'Windows or Linux, in either case.';
/** Shared by the GraphQL filter and the REST query. */
export const IMAGE_NAME_FILTER_DESCRIPTION = `Exact image name, as listed (e.g. CentOS-7.9): 1 to ${IMAGE_NAME_FILTER_MAX} characters, no control characters.`;

@InputType({ description: 'Every given field must match (AND).' })
export class ImageFilter {
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsIdList()
  ids?: string[];

  @Field({ nullable: true, description: IMAGE_NAME_FILTER_DESCRIPTION })
  @IsOptional()
  @IsImageNameFilter()
  name?: string;

  @Field({ nullable: true, description: IMAGE_ZONE_FILTER_DESCRIPTION })
  @IsOptional()
  @IsZoneId()
  zoneId?: string;

  @Field({ nullable: true, description: IMAGE_CATEGORY_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  category?: string;

  @Field(() => ImageType, { nullable: true, description: 'PUBLIC_IMAGE or CUSTOM_IMAGE (not UNKNOWN).' })
  @IsOptional()
  @IsFilterableImageType()
  type?: FilterableImageType;

  @Field({ nullable: true, description: OS_TYPE_FILTER_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  osType?: string;

  @Field(() => ImageStatus, { nullable: true, description: 'CREATING, AVAILABLE or UNAVAILABLE (not UNKNOWN).' })
  @IsOptional()
  @IsFilterableImageStatus()
  status?: FilterableImageStatus;
}

@ArgsType()
export class ImagesArgs extends PageArgs {
  @Field(() => ImageFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ImageFilter)
  filter?: ImageFilter;
}

@ArgsType()
export class ImageArgs {
  @Field(() => ID)
  @IsResourceId()
  id: string;
}

@InputType()
export class CreateImageInput {
  @ApiProperty({ description: 'A powered-off instance; the image copies its system disk.', example: 'ins-fra-stopped' })
  @Field(() => ID, { description: 'A powered-off instance; the image copies its system disk.' })
  @IsResourceId()
  instanceId: string;

  @ApiProperty({ description: '1 to 24 characters: Chinese characters, letters, digits, "-" or "_".', example: 'web-镜像_01' })
  @Field({ description: '1 to 24 characters: Chinese characters, letters, digits, "-" or "_".' })
  @IsImageName()
  name: string;

  @ApiPropertyOptional({ description: 'At most 255 characters.' })
  @Field({ nullable: true, description: 'At most 255 characters.' })
  @IsOptional()
  @IsImageDescription()
  description?: string;
}

@ArgsType()
export class CreateImageArgs {
  @Field(() => CreateImageInput)
  @ValidateNested()
  @Type(() => CreateImageInput)
  input: CreateImageInput;

  @Field({ nullable: true, description: 'Repeats with the same key and input return the first result.' })
  @IsOptional()
  @IsIdempotencyKey()
  idempotencyKey?: string;
}

@InputType()
@RequireOneOf('name', 'description')
export class UpdateImagesInput {
  @ApiProperty({ description: 'The images to change: 1 to 100 distinct ids.', example: ['img-fra-web-01'] })
  @Field(() => [ID])
  @IsIdList()
  ids: string[];

  @ApiPropertyOptional({ description: 'New name: 1 to 24 characters: Chinese characters, letters, digits, "-" or "_".' })
  @Field({ nullable: true })
  @IsOptional()
  @IsImageName()
  name?: string;

  @ApiPropertyOptional({ description: 'New description, at most 255 characters.' })
  @Field({ nullable: true })
  @IsOptional()
  @IsImageDescription()
  description?: string;
}

@ArgsType()
export class UpdateImagesArgs {
  @Field(() => UpdateImagesInput)
  @ValidateNested()
  @Type(() => UpdateImagesInput)
  input: UpdateImagesInput;
}

@ArgsType()
export class DeleteImagesArgs {
  @Field(() => [ID])
  @IsIdList()
  ids: string[];
}
