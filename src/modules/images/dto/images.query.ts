import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { GatewayError } from '../../../common/errors';
import { CommaSeparated } from '../../../common/rest';
import { PageQuery } from '../../../common/validation/paging';
import {
  IDEMPOTENCY_KEY_RULE,
  isIdempotencyKey,
  IsIdList,
  IsImageNameFilter,
  IsResourceId,
  IsZoneId,
} from '../../../common/validation/rules';
import { FILTERABLE_IMAGE_STATUSES, FILTERABLE_IMAGE_TYPES, FilterableImageStatus, FilterableImageType, IMAGE_CATEGORY_DESCRIPTION } from '../models/image.model';
import {
  IMAGE_NAME_FILTER_DESCRIPTION,
  IMAGE_ZONE_FILTER_DESCRIPTION,
  OS_TYPE_FILTER_DESCRIPTION,
  ImageFilter,
  IsFilterableImageStatus,
  IsFilterableImageType,
} from './images.args';

/** `GET /v1/images` query: the GraphQL filter flattened, plus paging. */
export class ImagesQuery extends PageQuery {
  @ApiPropertyOptional({ description: IMAGE_ZONE_FILTER_DESCRIPTION, example: 'FRA-A' })
  @IsOptional()
  @IsZoneId()
  zoneId?: string;

  // The filterable values only: UNKNOWN appears in answers, never in a filter.
  @ApiPropertyOptional({ enum: FILTERABLE_IMAGE_TYPES })
  @IsOptional()
  @IsFilterableImageType()
  type?: FilterableImageType;

  @ApiPropertyOptional({ enum: FILTERABLE_IMAGE_STATUSES })
  @IsOptional()
  @IsFilterableImageStatus()
  status?: FilterableImageStatus;

  @ApiPropertyOptional({ description: IMAGE_NAME_FILTER_DESCRIPTION, example: 'CentOS-7.9' })
  @IsOptional()
  @IsImageNameFilter()
  name?: string;

  @ApiPropertyOptional({ description: IMAGE_CATEGORY_DESCRIPTION, example: 'Ubuntu' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  category?: string;

  @ApiPropertyOptional({ description: OS_TYPE_FILTER_DESCRIPTION, example: 'Linux' })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  osType?: string;

  @ApiPropertyOptional({ description: 'Comma-separated image ids (1 to 100, distinct)', example: ['img-fra-web-01', 'img-fra-db-01'] })
  @IsOptional()
  @CommaSeparated()
  @IsIdList()
  ids?: string[];

  filter(): ImageFilter {
    return { ids: this.ids, name: this.name, zoneId: this.zoneId, category: this.category, type: this.type, osType: this.osType, status: this.status };
  }
}

export class ImageIdParam {
  @ApiProperty({ example: 'img-fra-web-01' })
  @IsResourceId()
  id: string;
}

/**
 * The optional `Idempotency-Key` header of `POST /v1/images`, checked by the rule the GraphQL
 * `idempotencyKey` argument is checked by; undefined when it is not sent.
 */
export const IdempotencyKeyHeader = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (!isIdempotencyKey(value)) throw GatewayError.badInput([{ field: 'Idempotency-Key', reasons: [IDEMPOTENCY_KEY_RULE] }]);
  return value;
});
