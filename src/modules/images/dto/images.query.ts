import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CommaSeparated } from '../../../common/rest';
import { IsIdList, IsImageName, IsResourceId, IsZoneId, MAX_PAGE_SIZE } from '../../../common/validation/rules';
import { ImageStatus, ImageType } from '../models/image.model';
import type { ImageFilter } from './images.args';

/** `GET /v1/images` query: the GraphQL filter flattened, plus paging. */
export class ImagesQuery {
  @ApiPropertyOptional({ description: 'Custom images of this zone, plus the public images', example: 'FRA-A' })
  @IsOptional()
  @IsZoneId()
  zoneId?: string;

  @ApiPropertyOptional({ enum: ImageType, enumName: 'ImageType' })
  @IsOptional()
  @IsEnum(ImageType, { message: `must be one of ${Object.values(ImageType).join(', ')}` })
  type?: ImageType;

  @ApiPropertyOptional({ enum: ImageStatus, enumName: 'ImageStatus' })
  @IsOptional()
  @IsEnum(ImageStatus, { message: `must be one of ${Object.values(ImageStatus).join(', ')}` })
  status?: ImageStatus;

  @ApiPropertyOptional({ description: 'Exact image name' })
  @IsOptional()
  @IsImageName()
  name?: string;

  @ApiPropertyOptional({ example: 'Ubuntu' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  category?: string;

  @ApiPropertyOptional({ example: 'Linux' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  osType?: string;

  @ApiPropertyOptional({ description: 'Comma-separated image ids', type: String, example: 'img-fra-web-01,img-fra-db-01' })
  @IsOptional()
  @CommaSeparated()
  @IsIdList()
  ids?: string[];

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: `must be from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `must be from 1 to ${MAX_PAGE_SIZE}` })
  pageSize?: number;

  filter(): ImageFilter {
    return { ids: this.ids, name: this.name, zoneId: this.zoneId, category: this.category, type: this.type, osType: this.osType, status: this.status };
  }
}

export class ImageIdParam {
  @ApiProperty({ example: 'img-fra-web-01' })
  @IsResourceId()
  id: string;
}
