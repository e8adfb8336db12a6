import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../../common/validation/paging';
import { IsOptional, IsString } from 'class-validator';
import { CommaSeparated } from '../../../common/rest';
import { IsIdList, IsImageNameFilter, IsResourceId, IsZoneId } from '../../../common/validation/rules';
import {
  INSTANCE_NAME_FILTER_DESCRIPTION,
  INSTANCE_STATUS_FILTER_DESCRIPTION,
  InstanceFilter,
  IsInstanceStatus,
} from './instances.args';

/** `GET /v1/instances` query: the GraphQL filter flattened, plus paging. */
export class InstancesQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'FRA-A' })
  @IsOptional()
  @IsZoneId()
  zoneId?: string;

  @ApiPropertyOptional({ description: INSTANCE_STATUS_FILTER_DESCRIPTION, example: 'STOPPED' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsInstanceStatus()
  status?: string;

  @ApiPropertyOptional({ description: INSTANCE_NAME_FILTER_DESCRIPTION, example: 'web' })
  @IsOptional()
  @IsImageNameFilter()
  name?: string;

  @ApiPropertyOptional({ description: 'Comma-separated instance ids (1 to 100, distinct)', example: ['ins-fra-stopped', 'ins-hkg-stopped'] })
  @IsOptional()
  @CommaSeparated()
  @IsIdList()
  ids?: string[];

  filter(): InstanceFilter {
    return { ids: this.ids, zoneId: this.zoneId, status: this.status, name: this.name };
  }
}

export class InstanceIdParam {
  @ApiProperty({ example: 'ins-fra-stopped' })
  @IsResourceId()
  id: string;
}
