import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes, SCOPE } from '../../auth/scopes';
import { RestRoute } from '../../common/rest';
import { ZoneIdsQuery } from '../../common/validation/zone-ids';
import { Zone } from './zone.model';
import { ZonesService } from './zones.service';

@ApiTags('zones')
@Controller('v1/zones')
export class ZonesController {
  constructor(private readonly zones: ZonesService) {}

  @Get()
  @Scopes(SCOPE.read)
  @ApiOperation({
    summary: 'Zones, and whether images can be made in each',
    description: 'Every zone, or those named in `zoneIds`; naming an unknown zone is a 404.',
  })
  @ApiOkResponse({ type: [Zone] })
  @RestRoute([404, 'NOT_FOUND: an unknown zone id'])
  list(@Query() { zoneIds }: ZoneIdsQuery): Promise<Zone[]> {
    return this.zones.list(zoneIds);
  }
}
