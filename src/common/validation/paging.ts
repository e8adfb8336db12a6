import { ArgsType, Field, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IsPage, IsPageSize, MAX_PAGE, MAX_PAGE_SIZE } from './rules';

/** The page size of a list that names none, on both faces. */
export const DEFAULT_PAGE_SIZE = 20;

const PAGE = `From 1 to ${MAX_PAGE}.`;
const PAGE_SIZE = `1 to ${MAX_PAGE_SIZE}.`;

/** `page` and `pageSize` arguments of a GraphQL list query; a feature's args extend it. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 1, description: PAGE })
  @IsOptional()
  @IsPage()
  page?: number;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: PAGE_SIZE })
  @IsOptional()
  @IsPageSize()
  pageSize?: number;
}

/** `?page=&pageSize=` of a REST list route, checked before any upstream call; a feature's query extends it. */
export class PageQuery {
  @ApiPropertyOptional({ description: PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsPage()
  page?: number;

  @ApiPropertyOptional({ description: PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsPageSize()
  pageSize?: number;
}
