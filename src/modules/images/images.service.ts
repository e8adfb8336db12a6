import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE } from '../../common/validation/paging';
import { GatewayError } from '../../common/errors';
import { MAX_PAGE_SIZE, missingOneOf } from '../../common/validation/rules';
import { DescribeImagesRequest, ImageInfo, ServiceCallOptions, ZenlayerService } from '../../upstream/zenlayer';
import { ZoneDirectory } from '../zones/zone-directory';
import { CreateImageInput, ImageFilter, UpdateImagesInput } from './dto/images.args';
import { IdempotentCreateService, ImageMaker } from './idempotent-create.service';
import { IMAGE_ORIGINS, ImageOrigins } from './image-origins.store';
import { toImage } from './image.mapper';
import { CreatedImage, Image, ImagePage, ImageType, UpdateImagesPayload } from './models/image.model';

/** Who asks for an image, and the idempotency key they gave, if any. */
export interface CreateImageOptions {
  /** The authenticated client's namespaced id: idempotency keys are kept per client. */
  client: string;
  /** With a key, repeats with the same key and input return the first result. */
  idempotencyKey?: string;
}

/** An instance, by id and the zone it is in. */
export interface InstanceInZone {
  instanceId: string;
  zoneId: string;
}

/** What a listing passes on to Zenlayer besides the zone and the page. */
type ImageQuery = Omit<DescribeImagesRequest, 'zoneId' | 'pageNum' | 'pageSize'>;
/** A DescribeImages answer, its list never omitted. */
interface ImageAnswer {
  requestId: string;
  dataSet: ImageInfo[];
  totalCount?: number;
}

/** Zenlayer documents `Windows` and `Linux` for the filter and answers `windows`, `linux`: either case is taken. */
const DOCUMENTED_OS_TYPES = new Map([
  ['windows', 'Windows'],
  ['linux', 'Linux'],
]);
const osTypeFilter = (osType: string | undefined): string | undefined =>
  osType === undefined ? undefined : (DOCUMENTED_OS_TYPES.get(osType.toLowerCase()) ?? osType);

/** The filter's fields as Zenlayer's DescribeImages names them, without the zone and the page. */
const imageQuery = (filter: ImageFilter): ImageQuery => ({
  imageIds: filter.ids,
  imageName: filter.name,
  category: filter.category,
  imageType: filter.type,
  osType: osTypeFilter(filter.osType),
  imageStatus: filter.status,
});

/** The request fields a client's filter fills: a refusal naming one of them is the client's to fix. */
const CLIENT_FILTER_FIELDS = ['imageIds', 'imageName', 'category', 'imageType', 'osType', 'imageStatus'];
/** A listing of one zone also takes the zone and the page from the client. */
const CLIENT_ZONE_LIST_FIELDS = [...CLIENT_FILTER_FIELDS, 'zoneId', 'pageNum', 'pageSize'];

const PUBLIC_NEEDS_ZONE =
  'is required when listing public images: every zone offers the same ones, so name the zone to list them for (see the zones query)';

const pageOf = (items: Image[], page: number, pageSize: number): ImagePage => ({
  items: items.slice((page - 1) * pageSize, page * pageSize),
  totalCount: items.length,
  page,
  pageSize,
});

/**
 * Images at Zenlayer, for both the GraphQL and the REST face. Zenlayer knows an image by the
 * zone it is asked for in, so every DescribeImages here names one: the client's, the
 * instance's, or the zone the image was last seen in ({@link ZoneDirectory}).
 */
@Injectable()
export class ImagesService {
  private readonly logger = new Logger(ImagesService.name);
  /** What an idempotent create calls back for. */
  private readonly maker: ImageMaker = {
    create: (input) => this.createOnce(input),
    customImagesNamed: (input) => this.customImagesNamedFor(input),
    recovered: (input, image) => this.noteMade(input.instanceId, image.zoneId ?? undefined, image.id),
  };

  constructor(
    private readonly zenlayer: ZenlayerService,
    private readonly directory: ZoneDirectory,
    @Inject(IMAGE_ORIGINS) private readonly origins: ImageOrigins,
    private readonly idempotent: IdempotentCreateService,
  ) {}

  /**
   * A page of images.
   * - With a zone: that zone's custom images and the public images (one DescribeImages).
   * - With ids and no zone: those images wherever they are (one DescribeImages per zone they are in).
   * - Otherwise: the custom images of every zone, zone by zone in zone order (one DescribeImages
   *   per zone). Public images need a zone: every zone offers the same ones.
   */
  async list(filter: ImageFilter = {}, page = 1, pageSize = DEFAULT_PAGE_SIZE): Promise<ImagePage> {
    if (filter.zoneId !== undefined) return this.listZone(filter.zoneId, filter, page, pageSize);
    if (filter.ids !== undefined) return pageOf(await this.located(filter.ids, imageQuery(filter)), page, pageSize);
    if (filter.type === ImageType.PUBLIC_IMAGE) throw GatewayError.badInput([{ field: 'zoneId', reasons: [PUBLIC_NEEDS_ZONE] }]);
    return pageOf(await this.customImagesEverywhere(filter), page, pageSize);
  }

  /** The images with these ids, in the same order; null where no such image exists. One DescribeImages per zone they are in. */
  async findByIds(ids: readonly string[]): Promise<(Image | null)[]> {
    const found = new Map((await this.located(ids, {})).map((image) => [image.id, image]));
    return ids.map((id) => found.get(id) ?? null);
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

  /**
   * For each instance, in order, the id of an image this gateway made from it that Zenlayer
   * still lists as CREATING, or null. Zenlayer's ImageInfo names no source instance, so an image
   * made elsewhere is not seen here (CreateImage's own refusal still says so). One DescribeImages
   * per zone of the instances that have an image remembered, none when no instance has.
   */
  async creatingFrom(instances: readonly InstanceInZone[]): Promise<(string | null)[]> {
    const remembered = await this.origins.lastMadeFrom(instances.map((instance) => instance.instanceId)).catch((error: unknown): (string | undefined)[] => {
      // A hint that cannot be read is a hint missed, as for an image made elsewhere.
      this.logger.warn({ err: error }, 'could not read which instances images are being made from');
      return instances.map(() => undefined);
    });
    // The image is in its instance's zone: CreateImage makes it there.
    const byZone = new Map<string, Set<string>>();
    instances.forEach(({ zoneId }, index) => {
      const imageId = remembered[index];
      // An instance Zenlayer listed with no zone has no zone to look in: its image is not seen.
      if (imageId !== undefined && zoneId !== '') byZone.set(zoneId, (byZone.get(zoneId) ?? new Set()).add(imageId));
    });
    if (byZone.size === 0) return instances.map(() => null);
    const creating = new Set<string>();
    await Promise.all(
      [...byZone].map(async ([zoneId, imageIds]) => {
        const infos = await this.describe(zoneId, { imageIds: [...imageIds], imageStatus: 'CREATING' }, 1, Math.min(imageIds.size, MAX_PAGE_SIZE));
        for (const info of infos.dataSet) if (info.imageStatus === 'CREATING') creating.add(info.imageId);
      }),
    );
    return remembered.map((id) => (id !== undefined && creating.has(id) ? id : null));
  }

  /**
   * Renames images and/or changes their description, then reads them back as they now are (the
   * write emptied the cached reads); an image gone meanwhile is left out.
   */
  async update(input: UpdateImagesInput): Promise<UpdateImagesPayload> {
    const missing = missingOneOf(UpdateImagesInput, input);
    if (missing) throw GatewayError.badInput([{ field: 'input', reasons: [missing] }]);
    const { requestId } = await this.zenlayer.call(
      'ModifyImagesAttributes',
      { imageIds: input.ids, imageName: input.name, imageDescription: input.description },
      { clientFields: ['imageIds', 'imageName', 'imageDescription'] },
    );
    const images = await this.findByIds(input.ids);
    return { requestId, images: images.filter((image): image is Image => image !== null) };
  }

  async delete(ids: string[]): Promise<{ requestId: string; deletedIds: string[] }> {
    const { requestId } = await this.zenlayer.call('DeleteImages', { imageIds: ids }, { clientFields: ['imageIds'] });
    return { requestId, deletedIds: ids };
  }

  /** One CreateImage in the instance's zone, and a note of where the image is and what it was made from. */
  private async createOnce(input: CreateImageInput): Promise<CreatedImage> {
    // An instance Zenlayer does not list is CreateImage's to refuse, with its own code.
    const zoneId = await this.directory.instanceZone(input.instanceId);
    const { requestId, response } = await this.zenlayer.call(
      'CreateImage',
      { instanceId: input.instanceId, imageName: input.name, imageDescription: input.description },
      { clientFields: ['instanceId', 'imageName', 'imageDescription'] },
    );
    await this.noteMade(input.instanceId, zoneId, response.imageId);
    return { imageId: response.imageId, requestId };
  }

  /** Notes where an image made from an instance is, and which instance it came from. */
  private async noteMade(instanceId: string, zoneId: string | undefined, imageId: string): Promise<void> {
    if (zoneId !== undefined) await this.directory.remember('image', [[imageId, zoneId]]);
    // Only a hint for the image-creation check (DISK_BUSY): the image exists either way.
    await this.origins.record(instanceId, imageId).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'image created but which instance it came from could not be remembered'),
    );
  }

  /**
   * Every custom image whose name is exactly `input.name` in the zone of `input.instanceId`,
   * where CreateImage would make it, read from Zenlayer now (past the cache and any call in
   * flight). Zenlayer's `imageName` filter may also match other names, so the match is checked
   * here. One upstream call, plus one DescribeInstances for an instance not seen before.
   */
  private async customImagesNamedFor(input: CreateImageInput): Promise<{ requestId: string; images: Image[] }> {
    const zoneId = await this.directory.instanceZone(input.instanceId);
    if (zoneId === undefined) {
      throw new GatewayError('NOT_FOUND', `No instance ${input.instanceId} in this account: check instanceId (see the instances query)`, {
        blocker: 'INSTANCE_NOT_FOUND',
      });
    }
    const { requestId, dataSet } = await this.describeAll(zoneId, { imageName: input.name, imageType: 'CUSTOM_IMAGE' }, { fresh: true, clientFields: ['imageName'] });
    const images = dataSet.filter((info) => info.imageName === input.name && info.imageType === 'CUSTOM_IMAGE').map((info) => toImage(info, zoneId));
    return { requestId, images };
  }

  /** One zone's page, as Zenlayer pages it. */
  private async listZone(zoneId: string, filter: ImageFilter, page: number, pageSize: number): Promise<ImagePage> {
    const answer = await this.describe(zoneId, imageQuery(filter), page, pageSize, { clientFields: CLIENT_ZONE_LIST_FIELDS });
    const items = answer.dataSet.map((info) => toImage(info, zoneId));
    await this.seen(items);
    return { items, totalCount: answer.totalCount ?? items.length, page, pageSize };
  }

  /** The custom images of every zone that has them, in zone order and, within a zone, in Zenlayer's order. */
  private async customImagesEverywhere(filter: ImageFilter): Promise<Image[]> {
    const query = { ...imageQuery(filter), imageType: 'CUSTOM_IMAGE' } as const;
    const zones = await this.directory.acrossZones((zoneId) => this.describeAll(zoneId, query, { clientFields: CLIENT_FILTER_FIELDS }));
    const images = zones.flatMap(({ zoneId, result }) => result.dataSet.map((info) => toImage(info, zoneId)));
    await this.seen(images);
    return images;
  }

  /**
   * The images with these ids that match `query`, each with its zone: one DescribeImages per
   * remembered zone. Ids whose zone is not known are looked for zone by zone, until all are found
   * or every zone was asked (and their zones are remembered from then on); a zone asked then is
   * asked for its known ids in the same call.
   */
  private async located(ids: readonly string[], query: ImageQuery): Promise<Image[]> {
    const unique = [...new Set(ids)];
    const zones = await this.directory.recall('image', unique);
    const byZone = new Map<string, string[]>();
    const unplaced = new Set<string>();
    unique.forEach((id, index) => {
      const zoneId = zones[index];
      if (zoneId === undefined) unplaced.add(id);
      else if (byZone.has(zoneId)) byZone.get(zoneId)!.push(id);
      else byZone.set(zoneId, [id]);
    });
    const found = new Map<string, Image>();
    const lookIn = async (zoneId: string, imageIds: string[]): Promise<void> => {
      if (imageIds.length === 0) return;
      // The ids and the filter are the client's; the zone and the page the gateway's.
      const answer = await this.describe(zoneId, { ...query, imageIds }, 1, Math.min(imageIds.length, MAX_PAGE_SIZE), { clientFields: CLIENT_FILTER_FIELDS });
      const asked = new Set(imageIds);
      for (const info of answer.dataSet) if (asked.has(info.imageId)) found.set(info.imageId, toImage(info, zoneId));
    };
    if (unplaced.size > 0) {
      // A zone asked for the ids nobody has placed is asked for its own known ids in the same call.
      const missing = () => [...unplaced].filter((id) => !found.has(id));
      const asked = await this.directory.acrossZones(
        (zoneId) => lookIn(zoneId, [...(byZone.get(zoneId) ?? []), ...missing()]),
        () => missing().length === 0,
      );
      for (const { zoneId } of asked) byZone.delete(zoneId);
      await this.seen([...unplaced].flatMap((id) => found.get(id) ?? []));
    }
    await Promise.all([...byZone].map(([zoneId, imageIds]) => lookIn(zoneId, imageIds)));
    return unique.flatMap((id) => found.get(id) ?? []);
  }

  /** Remembers where each image was listed (a public image: any zone it was listed in will do). */
  private seen(images: readonly Image[]): Promise<void> {
    return this.directory.remember(
      'image',
      images.flatMap((image) => (image.zoneId === null ? [] : [[image.id, image.zoneId] as const])),
    );
  }

  /** One page of one zone's answer to `query`. */
  private async describe(zoneId: string, query: ImageQuery, pageNum: number, pageSize: number, options: ServiceCallOptions = {}): Promise<ImageAnswer> {
    const { requestId, response } = await this.zenlayer.call('DescribeImages', { zoneId, ...query, pageNum, pageSize }, options);
    return { requestId, dataSet: response.dataSet ?? [], totalCount: response.totalCount };
  }

  /** Every page of one zone's answer to `query` (one call unless it holds more than {@link MAX_PAGE_SIZE} images). */
  private async describeAll(zoneId: string, query: ImageQuery, options: ServiceCallOptions = {}): Promise<ImageAnswer> {
    const dataSet: ImageInfo[] = [];
    let requestId = '';
    for (let pageNum = 1; ; pageNum++) {
      const answer = await this.describe(zoneId, query, pageNum, MAX_PAGE_SIZE, options);
      requestId ||= answer.requestId;
      dataSet.push(...answer.dataSet);
      if (answer.dataSet.length < MAX_PAGE_SIZE || pageNum * MAX_PAGE_SIZE >= (answer.totalCount ?? Number.POSITIVE_INFINITY)) return { requestId, dataSet };
    }
  }
}
