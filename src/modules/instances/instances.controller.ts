import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes, SCOPE } from '../../auth/scopes';
import { RestRoute } from '../../common/rest';
import { InstanceIdParam, InstancesQuery } from './dto/instances.query';
import { InstancesLoaders } from './instances.loaders';
import { InstancesService } from './instances.service';
import { ImageCreationCheck } from './models/image-creation-check.model';
import { InstanceWithCheckPage } from './models/instance.model';

/** The REST face of instances: the same service, checks, validation and errors as GraphQL. */
@ApiTags('instances')
@Controller('v1/instances')
export class InstancesController {
  constructor(
    private readonly instances: InstancesService,
    private readonly loaders: InstancesLoaders,
  ) {}

  @Get()
  @Scopes(SCOPE.instancesRead)
  @ApiOperation({
    summary: 'A page of instances, each with its image-creation check',
    description: 'Every given filter must match. A page costs at most three Zenlayer calls, however many instances it holds.',
  })
  @ApiOkResponse({ type: InstanceWithCheckPage })
  @RestRoute([404, 'NOT_FOUND: an unknown zone id'])
  list(@Query() query: InstancesQuery): Promise<InstanceWithCheckPage> {
    return this.instances.listWithChecks(query.filter(), query.page ?? 1, query.pageSize ?? 20, this.loaders.preflight());
  }

  @Get(':id/image-creation-check')
  @Scopes(SCOPE.instancesRead)
  @ApiOperation({
    summary: 'Whether an image can be made of the instance now, with every reason why not',
    description: 'An unknown instance is 200 with allowed false and INSTANCE_NOT_FOUND, not a 404.',
  })
  @ApiOkResponse({ type: ImageCreationCheck })
  @RestRoute()
  check(@Param() { id }: InstanceIdParam): Promise<ImageCreationCheck> {
    return this.instances.check(id, this.loaders.preflight());
  }
}
