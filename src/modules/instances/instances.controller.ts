import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes, SCOPE } from '../../auth/scopes';
import { GatewayError } from '../../common/errors';
import { RestRoute } from '../../common/rest';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../../common/validation/paging';
import { ImageIdParam } from '../images/dto/images.query';
import { ImagesService } from '../images/images.service';
import { InstanceIdParam, InstancesQuery } from './dto/instances.query';
import { InstancesLoaders } from './instances.loaders';
import { InstancesService } from './instances.service';
import { ImageCreationCheck } from './models/image-creation-check.model';
import { InstancePage, InstanceWithCheckPage } from './models/instance.model';

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
    return this.instances.listWithChecks(query.filter(), query.page ?? 1, query.pageSize ?? DEFAULT_PAGE_SIZE, this.loaders.preflight());
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

/**
 * `GET /v1/images/{id}/instances`: under the images path, served here with the instances it
 * lists, so that images/ never imports instances/.
 */
@ApiTags('images')
@Controller('v1/images')
export class ImageInstancesController {
  constructor(
    private readonly instances: InstancesService,
    private readonly images: ImagesService,
  ) {}

  @Get(':id/instances')
  @Scopes(SCOPE.instancesRead)
  @ApiOperation({
    summary: 'A page of the instances made from an image, in every zone',
    description:
      'What deleting the image would leave without their image: one DescribeInstances filtered by the image, alongside the lookup of the image itself. An image that does not exist is a 404, as for `GET /v1/images/{id}`; an image no instance was made from is an empty page.',
  })
  @ApiOkResponse({ type: InstancePage })
  @RestRoute([404, 'NOT_FOUND: no image with this id'])
  async list(@Param() { id }: ImageIdParam, @Query() query: PageQuery): Promise<InstancePage> {
    // Side by side: the image lookup decides 404, the listing is the answer.
    const [[image], page] = await Promise.all([this.images.findByIds([id]), this.instances.listByImage({ imageId: id, page: query.page ?? 1, pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE })]);
    if (!image) throw new GatewayError('NOT_FOUND', `No image with id ${id}`);
    return page;
  }
}
