import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Scopes, SCOPE } from '../../auth/scopes';
import { CommaSeparated, RestRoute } from '../../common/rest';
import { IsZoneIdList } from '../../common/validation/rules';
import { Zone } from './zone.model';
import { ZonesService } from './zones.service';

export class ZoneIdsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated zone ids; all zones when omitted', example: 'FRA-A,HKG-A', type: String })
  @IsOptional()
  @CommaSeparated()
  @IsZoneIdList()
  zoneIds?: string[];
}

@ApiTags('zones')
@Controller('v1/zones')
export class ZonesController {
  constructor(private readonly zones: ZonesService) {}

  @Get()
  @Scopes(SCOPE.read)
  @ApiOperation({ summary: 'Zones, and whether images can be made in each' })
  @ApiOkResponse({ type: [Zone] })
  @RestRoute([404, 'NOT_FOUND: an unknown zone id'])
  list(@Query() { zoneIds }: ZoneIdsQuery): Promise<Zone[]> {
    return this.zones.list(zoneIds);
  }
}
