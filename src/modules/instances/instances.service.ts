import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE } from '../../common/validation/paging';
import { ZoneDirectory } from '../zones/zone-directory';
import { MAX_PAGE_SIZE } from '../../common/validation/rules';
import { DescribeInstancesRequest, ZenlayerService } from '../../upstream/zenlayer';
import type { InstanceFilter } from './dto/instances.args';
import { checkImageCreation, instanceNotFound } from './image-creation.preflight';
import { toInstance } from './instance.mapper';
import type { ImagePageKey, PreflightLookups, ZonePageKey } from './instances.lookups';
import type { ImageCreationCheck } from './models/image-creation-check.model';
import { Instance, InstancePage, InstanceWithCheckPage } from './models/instance.model';

/** Instances at Zenlayer and the image-creation check, for both the GraphQL and the REST face. */
@Injectable()
export class InstancesService {
  constructor(
    private readonly zenlayer: ZenlayerService,
    private readonly directory: ZoneDirectory,
  ) {}

  /**
   * A page of instances; an unknown zoneId is a NOT_FOUND error. One DescribeInstances. The zone
   * of every instance listed is remembered, and so is that of the image it was made from (which
   * its zone offers), for the lookups by id that DescribeImages needs a zone for.
   */
  async list(filter: InstanceFilter & { imageId?: string } = {}, page = 1, pageSize = DEFAULT_PAGE_SIZE): Promise<InstancePage> {
    const request: DescribeInstancesRequest = {
      instanceIds: filter.ids,
      zoneId: filter.zoneId,
      instanceStatus: filter.status,
      instanceName: filter.name,
      imageId: filter.imageId,
      pageNum: page,
      pageSize,
    };
    const { response } = await this.zenlayer.call('DescribeInstances', request, {
      clientFields: ['instanceIds', 'zoneId', 'instanceStatus', 'instanceName', 'imageId', 'pageNum', 'pageSize'],
    });
    const items = (response.dataSet ?? []).map(toInstance);
    const placed = items.filter((instance) => instance.zoneId !== '');
    // Side by side: with Redis, one round trip's wait rather than two.
    await Promise.all([
      this.directory.remember('instance', placed.map((instance) => [instance.id, instance.zoneId] as const)),
      this.directory.remember('image', placed.flatMap((instance) => (instance.sourceImage ? [[instance.sourceImage.id, instance.zoneId] as const] : []))),
    ]);
    return { items, totalCount: response.totalCount ?? items.length, page, pageSize };
  }

  /**
   * A page of the instances made from an image: one DescribeInstances filtered by `imageId`, in
   * every zone (DescribeInstances needs no zone, and a public image is offered in every zone).
   * An image no instance was made from, or that does not exist, is an empty page.
   */
  listByImage({ imageId, page, pageSize }: ImagePageKey): Promise<InstancePage> {
    return this.list({ imageId }, page, pageSize);
  }

  /** The instances with these ids, in order; null where Zenlayer lists none. One upstream call. */
  async findByIds(ids: readonly string[]): Promise<(Instance | null)[]> {
    const { items } = await this.list({ ids: [...ids] }, 1, Math.min(Math.max(ids.length, 1), MAX_PAGE_SIZE));
    const byId = new Map(items.map((instance) => [instance.id, instance]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * The first page of each zone's instances. Several zones cost one DescribeInstances of every
   * instance, split by zone, unless the account has more than one page of them; then each zone
   * is asked for on its own.
   */
  async firstPagesByZone(keys: readonly ZonePageKey[]): Promise<InstancePage[]> {
    const zonePage = ({ zoneId, pageSize }: ZonePageKey) => this.list({ zoneId }, 1, pageSize);
    if (keys.length === 1) return [await zonePage(keys[0])];
    const all = await this.list({}, 1, MAX_PAGE_SIZE);
    if (all.totalCount > all.items.length) return Promise.all(keys.map(zonePage));
    const byZone = new Map<string, Instance[]>();
    for (const instance of all.items) byZone.set(instance.zoneId, [...(byZone.get(instance.zoneId) ?? []), instance]);
    return keys.map(({ zoneId, pageSize }) => {
      const items = byZone.get(zoneId) ?? [];
      return { items: items.slice(0, pageSize), totalCount: items.length, page: 1, pageSize };
    });
  }

  /**
   * Whether an image can be made of the instance now. An instance Zenlayer does not list is an
   * answer (INSTANCE_NOT_FOUND), not an error; a failed upstream call is an error, never a
   * partial `allowed: true`. The lookups batch the calls of one request.
   */
  async check(instanceId: string, lookups: PreflightLookups): Promise<ImageCreationCheck> {
    return this.checkInstance(instanceId, await lookups.instance.load(instanceId), lookups);
  }

  /** {@link check} for an instance already read (from a listing). */
  async checkInstance(instanceId: string, instance: Instance | null, lookups: Omit<PreflightLookups, 'instance'>): Promise<ImageCreationCheck> {
    if (instance === null) return instanceNotFound(instanceId);
    const [quota, imageInFlight] = await Promise.all([
      instance.zoneId ? lookups.imageQuota.load(instance.zoneId) : null,
      lookups.imageInFlight.load({ instanceId: instance.id, zoneId: instance.zoneId }),
    ]);
    return checkImageCreation({ instance, quota, imageInFlight });
  }

  /** A page of instances, each with its check: at most three upstream calls for the page. */
  async listWithChecks(filter: InstanceFilter, page: number, pageSize: number, lookups: Omit<PreflightLookups, 'instance'>): Promise<InstanceWithCheckPage> {
    const listed = await this.list(filter, page, pageSize);
    const items = await Promise.all(
      listed.items.map(async (instance) => ({ ...instance, imageCreation: await this.checkInstance(instance.id, instance, lookups) })),
    );
    return { ...listed, items };
  }
}
