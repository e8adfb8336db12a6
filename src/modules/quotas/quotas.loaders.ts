import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { ImageQuota } from './image-quota.model';
import { QuotasService } from './quotas.service';

export type ImageQuotaLoader = DataLoader<string, ImageQuota | null>;

/** Builds the per-request loader that folds every zone's quota of one operation into one DescribeImageQuota. */
@Injectable()
export class QuotasLoaders {
  constructor(private readonly quotas: QuotasService) {}

  create(): ImageQuotaLoader {
    return new DataLoader((zoneIds) => this.quotas.findByZoneIds(zoneIds));
  }
}
