import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { MAX_IDS } from '../../common/validation/rules';
import { ImagesService } from './images.service';
import type { Image } from './models/image.model';

export type ImageLoader = DataLoader<string, Image | null>;

/** Builds the per-request loader that folds every `image(id)` of one operation into one DescribeImages. */
@Injectable()
export class ImagesLoaders {
  constructor(private readonly images: ImagesService) {}

  create(): ImageLoader {
    return new DataLoader((ids) => this.images.findByIds(ids), { maxBatchSize: MAX_IDS * 10 });
  }
}
