import type { Request } from 'express';
import type { ImageLoader } from '../modules/images/images.loaders';
import type { ImageQuotaLoader } from '../modules/quotas/quotas.loaders';
import type { ZoneLoader } from '../modules/zones/zones.loaders';

/** Per-operation loaders: every key asked for in one operation shares one upstream call per action. */
export interface Loaders {
  image: ImageLoader;
  imageQuota: ImageQuotaLoader;
  zone: ZoneLoader;
}

/** The context of one GraphQL operation. */
export interface GraphqlContext {
  req: Request;
  loaders: Loaders;
}
