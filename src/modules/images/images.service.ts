import { Inject, Injectable, Logger } from '@nestjs/common';
import { GatewayError } from '../../common/errors';
import { MAX_PAGE_SIZE, missingOneOf } from '../../common/validation/rules';
import { DescribeImagesRequest, ZenlayerService } from '../../upstream/zenlayer';
import { CreateImageInput, ImageFilter, UpdateImagesInput } from './dto/images.args';
import { IdempotentCreateService, ImageMaker } from './idempotent-create.service';
import { IMAGE_ORIGINS, ImageOrigins } from './image-origins.store';
import { toImage } from './image.mapper';
import { CreatedImage, Image, ImagePage, UpdateImagesPayload } from './models/image.model';

/** Who asks for an image, and the idempotency key they gave, if any. */
export interface CreateImageOptions {
  /** The authenticated client's namespaced id: idempotency keys are kept per client. */
  client: string;
  /** With a key, repeats with the same key and input return the first result. */
  idempotencyKey?: string;
}

/** Images at Zenlayer, for both the GraphQL and the REST face. */
@Injectable()
export class ImagesService {
  private readonly logger = new Logger(ImagesService.name);
  /** What an idempotent create calls back for. */
  private readonly maker: ImageMaker = {
    create: (input) => this.createOnce(input),
    customImagesNamed: (name) => this.customImagesNamed(name),
  };

  constructor(
    private readonly zenlayer: ZenlayerService,
    @Inject(IMAGE_ORIGINS) private readonly origins: ImageOrigins,
    private readonly idempotent: IdempotentCreateService,
  ) {}

  async list(filter: ImageFilter = {}, page = 1, pageSize = 20): Promise<ImagePage> {
    const request: DescribeImagesRequest = {
      imageIds: filter.ids,
      imageName: filter.name,
      zoneId: filter.zoneId,
      category: filter.category,
      imageType: filter.type,
      osType: filter.osType,
      imageStatus: filter.status,
      pageNum: page,
      pageSize,
    };
    const { response } = await this.zenlayer.call('DescribeImages', request);
    const items = (response.dataSet ?? []).map(toImage);
    return { items, totalCount: response.totalCount ?? items.length, page, pageSize };
  }

  /** The images with these ids, in the same order; null where no such image exists. One upstream call. */
  async findByIds(ids: readonly string[]): Promise<(Image | null)[]> {
    const { response } = await this.zenlayer.call('DescribeImages', {
      imageIds: [...ids],
      pageNum: 1,
      pageSize: Math.max(ids.length, 1),
    });
    const byId = new Map((response.dataSet ?? []).map((info) => [info.imageId, toImage(info)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Makes a custom image of a powered-off instance's system disk: one CreateImage, or with an
   * idempotency key one image per key and input however often the client repeats (see
   * {@link IdempotentCreateService}).
   */
  create(input: CreateImageInput, { client, idempotencyKey }: CreateImageOptions): Promise<CreatedImage> {
    if (idempotencyKey === undefined) return this.createOnce(input);
    return this.idempotent.create(client, idempotencyKey, input, this.maker);
  }

  /** One CreateImage, and a note of the instance it was made from. */
  private async createOnce(input: CreateImageInput): Promise<CreatedImage> {
    const { requestId, response } = await this.zenlayer.call('CreateImage', {
      instanceId: input.instanceId,
      imageName: input.name,
      imageDescription: input.description,
    });
    // Only a hint for the image-creation check (DISK_BUSY): the image exists either way.
    await this.origins.record(input.instanceId, response.imageId).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'image created but which instance it came from could not be remembered'),
    );
    return { imageId: response.imageId, requestId };
  }

  /**
   * For each instance, in order, the id of an image this gateway made from it that Zenlayer
   * still lists as CREATING, or null. Zenlayer's ImageInfo names no source instance, so an image
   * made elsewhere is not seen here (CreateImage's own refusal still says so). One DescribeImages
   * at most, none when no instance has an image remembered.
   */
  async creatingFrom(instanceIds: readonly string[]): Promise<(string | null)[]> {
    const remembered = await this.origins.lastMadeFrom(instanceIds).catch((error: unknown): (string | undefined)[] => {
      // A hint that cannot be read is a hint missed, as for an image made elsewhere.
      this.logger.warn({ err: error }, 'could not read which instances images are being made from');
      return instanceIds.map(() => undefined);
    });
    const imageIds = [...new Set(remembered.filter((id): id is string => id !== undefined))];
    if (imageIds.length === 0) return instanceIds.map(() => null);
    const { response } = await this.zenlayer.call('DescribeImages', {
      imageIds,
      imageStatus: 'CREATING',
      pageNum: 1,
      pageSize: Math.min(imageIds.length, MAX_PAGE_SIZE),
    });
    const creating = new Set((response.dataSet ?? []).filter((info) => info.imageStatus === 'CREATING').map((info) => info.imageId));
    return remembered.map((id) => (id !== undefined && creating.has(id) ? id : null));
  }

  /**
   * Every custom image whose name is exactly `name`, read from Zenlayer now (past the cache and
   * any call in flight). Zenlayer's `imageName` filter may also match other names, so the match
   * is checked here. One upstream call unless the filter matches more than a page.
   */
  async customImagesNamed(name: string): Promise<{ requestId: string; images: Image[] }> {
    const pageSize = MAX_PAGE_SIZE;
    const images: Image[] = [];
    let requestId = '';
    for (let pageNum = 1; ; pageNum++) {
      const { requestId: id, response } = await this.zenlayer.call(
        'DescribeImages',
        { imageName: name, imageType: 'CUSTOM_IMAGE', pageNum, pageSize },
        { fresh: true },
      );
      requestId ||= id;
      const page = response.dataSet ?? [];
      for (const info of page) {
        if (info.imageName === name && info.imageType === 'CUSTOM_IMAGE') images.push(toImage(info));
      }
      if (page.length < pageSize || pageNum * pageSize >= (response.totalCount ?? Number.POSITIVE_INFINITY)) return { requestId, images };
    }
  }

  /**
   * Renames images and/or changes their description, then reads them back as they now are (the
   * write emptied the cached reads); an image gone meanwhile is left out.
   */
  async update(input: UpdateImagesInput): Promise<UpdateImagesPayload> {
    const missing = missingOneOf(UpdateImagesInput, input);
    if (missing) throw GatewayError.badInput([{ field: 'input', reasons: [missing] }]);
    const { requestId } = await this.zenlayer.call('ModifyImagesAttributes', {
      imageIds: input.ids,
      imageName: input.name,
      imageDescription: input.description,
    });
    const images = await this.findByIds(input.ids);
    return { requestId, images: images.filter((image): image is Image => image !== null) };
  }

  async delete(ids: string[]): Promise<{ requestId: string; deletedIds: string[] }> {
    const { requestId } = await this.zenlayer.call('DeleteImages', { imageIds: ids });
    return { requestId, deletedIds: ids };
  }
}
