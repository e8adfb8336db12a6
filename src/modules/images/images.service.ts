import { Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/gateway-error';
import { DescribeImagesRequest, ZenlayerService } from '../../upstream/zenlayer';
import { MAX_PAGE_SIZE } from '../../common/validation/rules';
import { CreateImageInput, ImageFilter, UpdateImagesInput } from './dto/images.args';
import { toImage } from './image.mapper';
import { Image, ImagePage } from './models/image.model';

export interface CreatedImage {
  imageId: string;
  requestId: string;
}

/** Images at Zenlayer, for both the GraphQL and the REST face. */
@Injectable()
export class ImagesService {
  constructor(private readonly zenlayer: ZenlayerService) {}

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

  async create(input: CreateImageInput): Promise<CreatedImage> {
    const { requestId, response } = await this.zenlayer.call('CreateImage', {
      instanceId: input.instanceId,
      imageName: input.name,
      imageDescription: input.description,
    });
    return { imageId: response.imageId, requestId };
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

  async update(input: UpdateImagesInput): Promise<{ requestId: string }> {
    if (input.name === undefined && input.description === undefined) {
      throw GatewayError.badInput([{ field: 'input', reasons: ['must set name or description (or both)'] }]);
    }
    const { requestId } = await this.zenlayer.call('ModifyImagesAttributes', {
      imageIds: input.ids,
      imageName: input.name,
      imageDescription: input.description,
    });
    return { requestId };
  }

  async delete(ids: string[]): Promise<{ requestId: string; deletedIds: string[] }> {
    const { requestId } = await this.zenlayer.call('DeleteImages', { imageIds: ids });
    return { requestId, deletedIds: ids };
  }
}
