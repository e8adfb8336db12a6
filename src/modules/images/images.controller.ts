import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes, SCOPE } from '../../auth/scopes';
import type { AuthenticatedRequest } from '../../auth/scopes.guard';
import { GatewayError } from '../../common/errors';
import { RestRoute } from '../../common/rest';
import { DEFAULT_PAGE_SIZE } from '../../common/validation/paging';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from '../../common/validation/rules';
import { CreateImageInput, UpdateImagesInput } from './dto/images.args';
import { IdempotencyKeyHeader, ImageIdParam, ImagesQuery } from './dto/images.query';
import { ImagesService } from './images.service';
import { CreateImagePayload, Image, ImagePage, UpdateImagesPayload } from './models/image.model';

/** How a route with a JSON body refuses a body it cannot read. */
const BODY_REFUSALS: Array<[number, string]> = [
  [413, 'BAD_REQUEST: the body is larger than 256 KiB'],
  [415, 'BAD_REQUEST: the body is not application/json'],
];

/** The REST face of images: the same services, validation, idempotency and errors as GraphQL. */
@ApiTags('images')
@Controller('v1/images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Get()
  @Scopes(SCOPE.read)
  @ApiOperation({
    summary: 'A page of images, optionally filtered',
    description: 'Public images and this account\'s custom images. Every given filter must match. `totalCount` counts every match, not just this page.',
  })
  @ApiOkResponse({ type: ImagePage })
  @RestRoute()
  list(@Query() query: ImagesQuery): Promise<ImagePage> {
    return this.images.list(query.filter(), query.page ?? 1, query.pageSize ?? DEFAULT_PAGE_SIZE);
  }

  @Get(':id')
  @Scopes(SCOPE.read)
  @ApiOperation({ summary: 'One image', description: 'A public image or one of this account\'s custom images, by id.' })
  @ApiOkResponse({ type: Image })
  @RestRoute([404, 'NOT_FOUND: no image with this id'])
  async get(@Param() { id }: ImageIdParam): Promise<Image> {
    const [image] = await this.images.findByIds([id]);
    if (!image) throw new GatewayError('NOT_FOUND', `No image with id ${id}`);
    return image;
  }

  @Post()
  @HttpCode(201)
  @Scopes(SCOPE.write)
  @ApiOperation({
    summary: "Make a custom image of a powered-off instance's system disk",
    description:
      'The image starts as CREATING and becomes AVAILABLE when Zenlayer is done. With an `Idempotency-Key`, a repeat of the same body answers the first result, and an unknown outcome (a timeout) never makes a second image. A refusal that the image-creation check predicts carries its `blocker` code.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `Repeats with the same key and body return the first result (kept 24 h, per client); ${IDEMPOTENCY_KEY_RULE}`,
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
  })
  @ApiCreatedResponse({ type: CreateImagePayload })
  @RestRoute(
    [404, 'NOT_FOUND: no such instance'],
    [409, 'QUOTA_EXCEEDED, FAILED_PRECONDITION (instance running, disk busy, zone unsupported) or IDEMPOTENCY_KEY_REUSED'],
    ...BODY_REFUSALS,
  )
  create(
    @Body() input: CreateImageInput,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Req() req: AuthenticatedRequest,
  ): Promise<CreateImagePayload> {
    return this.images.create(input, { client: req.identity?.id ?? 'anonymous', idempotencyKey });
  }

  @Patch()
  @Scopes(SCOPE.write)
  @ApiOperation({
    summary: 'Rename images and/or change their description',
    description: 'Sets `name`, `description` or both (at least one) on every listed image, then answers the images as they now are.',
  })
  @ApiOkResponse({ type: UpdateImagesPayload })
  @RestRoute([404, 'NOT_FOUND: an unknown image id'], [409, 'FAILED_PRECONDITION: an image still CREATING'], ...BODY_REFUSALS)
  update(@Body() input: UpdateImagesInput): Promise<UpdateImagesPayload> {
    return this.images.update(input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes(SCOPE.write)
  @ApiOperation({ summary: 'Delete a custom image', description: 'Public images cannot be deleted, nor an image still CREATING.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @RestRoute([404, 'NOT_FOUND: no image with this id'], [409, 'FAILED_PRECONDITION: the image is still CREATING'])
  async delete(@Param() { id }: ImageIdParam): Promise<void> {
    await this.images.delete([id]);
  }
}
