import type { FastifyRequest } from 'fastify';
import type { Identity } from '../auth/identity';
import type { ImageLoader } from './images/images.loaders';
import type { ImageInFlightLoader, ImageInstancesLoader, InstanceLoader, ZoneInstancesLoader } from './instances/instances.loaders';
import type { ImageQuotaLoader } from './quotas/quotas.loaders';
import type { ZoneLoader } from './zones/zones.loaders';

/** Per-operation loaders: every key asked for in one operation shares one upstream call per action. */
export interface Loaders {
  image: ImageLoader;
  imageQuota: ImageQuotaLoader;
  zone: ZoneLoader;
  instance: InstanceLoader;
  imageInFlight: ImageInFlightLoader;
  zoneInstances: ZoneInstancesLoader;
  imageInstances: ImageInstancesLoader;
}

/** The context of one GraphQL operation. */
export interface GraphqlContext {
  /** The HTTP request; absent for subscriptions, which live on a WebSocket. */
  req?: FastifyRequest;
  /** Who is calling: from the HTTP request, or from the subscription's `connection_init`. */
  identity: Identity;
  loaders: Loaders;
}
