import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  IsIdList,
  IsImageDescription,
  IsImageName,
  IsResourceId,
  IsZoneId,
  MAX_PAGE_SIZE,
} from '../../../common/validation/rules';
import { ImageStatus, ImageType } from '../models/image.model';

@InputType({ description: 'Every given field must match (AND).' })
export class ImageFilter {
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsIdList()
  ids?: string[];

  @Field({ nullable: true, description: 'Exact image name.' })
  @IsOptional()
  @IsImageName()
  name?: string;

  @Field({ nullable: true, description: "Custom images of this zone, plus the public images available in every zone." })
  @IsOptional()
  @IsZoneId()
  zoneId?: string;

  @Field({ nullable: true, description: 'CentOS, Windows, Ubuntu, Debian, ...' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  category?: string;

  @Field(() => ImageType, { nullable: true })
  @IsOptional()
  @IsEnum(ImageType)
  type?: ImageType;

  @Field({ nullable: true, description: 'Windows or Linux.' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  osType?: string;

  @Field(() => ImageStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ImageStatus)
  status?: ImageStatus;
}

@ArgsType()
export class ImagesArgs {
  @Field(() => ImageFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ImageFilter)
  filter?: ImageFilter;

  @Field(() => Int, { nullable: true, defaultValue: 1, description: 'From 1.' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  page?: number;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: `1 to ${MAX_PAGE_SIZE}.` })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: `must be from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `must be from 1 to ${MAX_PAGE_SIZE}` })
  pageSize?: number;
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

  @ApiProperty({ description: '1 to 24 characters: Chinese characters, letters, digits, "-" or "_".', example: 'web-镜像_01', maxLength: 24 })
  @Field({ description: '1 to 24 characters: Chinese characters, letters, digits, "-" or "_".' })
  @IsImageName()
  name: string;

  @ApiPropertyOptional({ description: 'At most 255 characters.', maxLength: 255 })
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
  @IsString()
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}

@InputType()
export class UpdateImagesInput {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 100, example: ['img-fra-web-01'] })
  @Field(() => [ID])
  @IsIdList()
  ids: string[];

  @ApiPropertyOptional({ description: 'New name: 1 to 24 characters: Chinese characters, letters, digits, "-" or "_".', maxLength: 24 })
  @Field({ nullable: true })
  @IsOptional()
  @IsImageName()
  name?: string;

  @ApiPropertyOptional({ description: 'New description, at most 255 characters.', maxLength: 255 })
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
