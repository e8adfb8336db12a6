import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Scopes, SCOPE } from '../../auth/scopes';
import { batchedCost, upstreamCost } from '../../common/graphql-cost';
import { DEFAULT_PAGE_SIZE } from '../../common/validation/paging';
import type { GraphqlContext } from '../graphql-context';
import { CreateImageArgs, DeleteImagesArgs, ImageArgs, ImagesArgs, UpdateImagesArgs } from './dto/images.args';
import { ImageStatusEvent, ImageStatusWatcher } from './image-status.watcher';
import { ImagesService } from './images.service';
import { CreateImagePayload, DeleteImagesPayload, Image, ImagePage, UpdateImagesPayload } from './models/image.model';

/** Whether `images` with these arguments lists every zone: no zone given, and no ids to look up. */
const acrossZones = (args: { filter?: { zoneId?: string; ids?: string[] } }): boolean => !args.filter?.zoneId && !args.filter?.ids;

@Resolver(() => Image)
export class ImagesResolver {
  constructor(
    private readonly service: ImagesService,
    private readonly watcher: ImageStatusWatcher,
  ) {}

  @Scopes(SCOPE.read)
  @Subscription(() => Image, {
    description: 'The image on every status change; completes at AVAILABLE or UNAVAILABLE, or with NOT_FOUND.',
    resolve: (event: ImageStatusEvent) => {
      if (event.error) throw event.error;
      return event.image;
    },
  })
  imageStatusChanged(@Args() { id }: ImageArgs): AsyncIterableIterator<ImageStatusEvent> {
    return this.watcher.watch(id);
  }

  @Scopes(SCOPE.read)
  @Query(() => ImagePage, {
    description:
      "A page of images, optionally filtered. With filter.zoneId: that zone's custom images and the public images (one upstream call). Without it: the custom images of every zone, zone by zone (one upstream call per zone, and the zone list); with filter.ids, those images wherever they are. Public images need filter.zoneId.",
    complexity: upstreamCost((args) => args.pageSize ?? DEFAULT_PAGE_SIZE, {
      calls: () => 1,
      perZone: (args) => (acrossZones(args) ? 1 : 0),
    }),
  })
  images(@Args() { filter, page, pageSize }: ImagesArgs): Promise<ImagePage> {
    return this.service.list(filter ?? {}, page ?? 1, pageSize ?? DEFAULT_PAGE_SIZE);
  }

  @Scopes(SCOPE.read)
  @Query(() => Image, { nullable: true, description: 'One image, or null when it does not exist. Batched.', complexity: batchedCost('image') })
  image(@Args() { id }: ImageArgs, @Context() ctx: GraphqlContext): Promise<Image | null> {
    return ctx.loaders.image.load(id);
  }

  @Scopes(SCOPE.write)
  @Mutation(() => CreateImagePayload, {
    description: "Makes a custom image of a powered-off instance's system disk.",
    // The instance's zone (unless already known), and with an idempotency key the images of that name in it, then the write.
    complexity: upstreamCost(undefined, { calls: (args) => (args.idempotencyKey ? 3 : 2) }),
  })
  async createImage(@Args() { input, idempotencyKey }: CreateImageArgs, @Context() ctx: GraphqlContext): Promise<CreateImagePayload> {
    const created = await this.service.create(input, { client: ctx.identity.id, idempotencyKey: idempotencyKey ?? undefined });
    ctx.loaders.image.clear(created.imageId);
    return created;
  }

  @Scopes(SCOPE.write)
  @Mutation(() => UpdateImagesPayload, {
    description: 'Renames images and/or changes their description.',
    // The write, then one DescribeImages of the images as they now are.
    complexity: upstreamCost((args) => args.input?.ids?.length ?? 1, { calls: () => 2 }),
  })
  async updateImages(@Args() { input }: UpdateImagesArgs, @Context() ctx: GraphqlContext): Promise<UpdateImagesPayload> {
    const updated = await this.service.update(input);
    // What this operation loaded of them before the write is stale; what was read after is not.
    for (const id of input.ids) ctx.loaders.image.clear(id);
    for (const image of updated.images) ctx.loaders.image.prime(image.id, image);
    return updated;
  }

  @Scopes(SCOPE.write)
  @Mutation(() => DeleteImagesPayload, { description: 'Deletes custom images; all or none.', complexity: upstreamCost() })
  async deleteImages(@Args() { ids }: DeleteImagesArgs, @Context() ctx: GraphqlContext): Promise<DeleteImagesPayload> {
    const result = await this.service.delete(ids);
    ids.forEach((id) => ctx.loaders.image.clear(id));
    return result;
  }
}

@Resolver(() => CreateImagePayload)
export class CreateImagePayloadResolver {
  @Scopes(SCOPE.read)
  @ResolveField(() => Image, { nullable: true, complexity: batchedCost('image') })
  image(@Parent() payload: CreateImagePayload, @Context() ctx: GraphqlContext): Promise<Image | null> {
    return ctx.loaders.image.load(payload.imageId);
  }
}
