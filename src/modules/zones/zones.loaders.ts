import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Zone } from './zone.model';
import { ZonesService } from './zones.service';

export type ZoneLoader = DataLoader<string, Zone | null>;

@Injectable()
export class ZonesLoaders {
  constructor(private readonly zones: ZonesService) {}

  create(): ZoneLoader {
    return new DataLoader((ids) => this.zones.findByIds(ids));
  }
}
