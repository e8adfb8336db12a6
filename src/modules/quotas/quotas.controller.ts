import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes, SCOPE } from '../../auth/scopes';
import { RestRoute } from '../../common/rest';
import { ZoneIdsQuery } from '../../common/validation/zone-ids';
import { ImageQuota } from './image-quota.model';
import { QuotasService } from './quotas.service';

@ApiTags('quotas')
@Controller('v1/image-quotas')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  @Scopes(SCOPE.read)
  @ApiOperation({
    summary: 'Custom image quotas per zone',
    description: 'How many custom images each zone holds and may hold; every zone, or those named in `zoneIds` (an unknown zone is a 404).',
  })
  @ApiOkResponse({ type: [ImageQuota] })
  @RestRoute([404, 'NOT_FOUND: an unknown zone id'])
  list(@Query() { zoneIds }: ZoneIdsQuery): Promise<ImageQuota[]> {
    return this.quotas.list(zoneIds);
  }
}
