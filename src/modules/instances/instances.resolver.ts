import { Args, Context, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo, Kind } from 'graphql';
import { Scopes, SCOPE } from '../../auth/scopes';
import { DEFAULT_PAGE_SIZE, PageArgs } from '../../common/validation/paging';
import { batchedCost, perParentCost, upstreamCost } from '../../common/graphql-cost';
import type { GraphqlContext } from '../graphql-context';
import { Image } from '../images/models/image.model';
import { Zone } from '../zones/zone.model';
import { ImageCreationCheckArgs, InstancesArgs, ZoneInstancesArgs } from './dto/instances.args';
import { InstancesService } from './instances.service';
import { ImageCreationCheck } from './models/image-creation-check.model';
import { Instance, InstancePage } from './models/instance.model';

/** What DescribeInstances already says of the image an instance was made from. */
const SOURCE_IMAGE_FIELDS_LISTED = new Set(['id', 'name', '__typename']);

/** Whether the selection asks only for fields DescribeInstances already answered (no fragments). */
function onlyListedFields(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).every((selection) => selection.kind === Kind.FIELD && SOURCE_IMAGE_FIELDS_LISTED.has(selection.name.value)),
  );
}

@Resolver(() => Instance)
export class InstancesResolver {
  constructor(private readonly service: InstancesService) {}

  @Scopes(SCOPE.instancesRead)
  @Query(() => InstancePage, {
    description: 'A page of instances, optionally filtered: the ones to make an image of, with imageCreation saying whether that is possible now.',
    complexity: upstreamCost((args) => args.pageSize ?? DEFAULT_PAGE_SIZE),
  })
  instances(@Args() { filter, page, pageSize }: InstancesArgs): Promise<InstancePage> {
    return this.service.list(filter ?? {}, page ?? 1, pageSize ?? DEFAULT_PAGE_SIZE);
  }

  @Scopes(SCOPE.instancesRead)
  @Query(() => ImageCreationCheck, {
    description:
      'Whether an image can be made of this instance now, with every reason why not. An unknown instance is allowed: false with INSTANCE_NOT_FOUND, not an error. Batched.',
    complexity: upstreamCost(undefined, { calls: () => 0, loaders: ['instance', 'imageQuota', 'imageInFlight'] }),
  })
  imageCreationCheck(@Args() { instanceId }: ImageCreationCheckArgs, @Context() ctx: GraphqlContext): Promise<ImageCreationCheck> {
    return this.service.check(instanceId, ctx.loaders);
  }

  @Scopes(SCOPE.instancesRead)
  @ResolveField(() => Zone, { nullable: true, description: "The instance's zone. Batched.", complexity: batchedCost('zone') })
  zone(@Parent() instance: Instance, @Context() ctx: GraphqlContext): Promise<Zone | null> | null {
    return instance.zoneId ? ctx.loaders.zone.load(instance.zoneId) : null;
  }

  @Scopes(SCOPE.instancesRead)
  @ResolveField(() => Image, {
    nullable: true,
    description:
      'The image the instance was made from. id and name come with the instance; any other field reads the image (batched), and then the field is null if the image no longer exists.',
    complexity: batchedCost('image'),
  })
  sourceImage(@Parent() instance: Instance, @Context() ctx: GraphqlContext, @Info() info: GraphQLResolveInfo): Promise<Image | null> | Partial<Image> | null {
    const source = instance.sourceImage;
    if (source === null) return null;
    // The create-image screen shows the name: no DescribeImages for what DescribeInstances said.
    if (onlyListedFields(info) && source.name !== null) return { id: source.id, name: source.name };
    return ctx.loaders.image.load(source.id);
  }

  @Scopes(SCOPE.instancesRead)
  @ResolveField(() => ImageCreationCheck, {
    description: 'Whether an image can be made of this instance now, with every reason why not. Batched: a page of checks costs at most two upstream calls.',
    complexity: upstreamCost(undefined, { calls: () => 0, loaders: ['imageQuota', 'imageInFlight'] }),
  })
  imageCreation(@Parent() instance: Instance, @Context() ctx: GraphqlContext): Promise<ImageCreationCheck> {
    return this.service.checkInstance(instance.id, instance, ctx.loaders);
  }
}

/** `Zone.instances`: lives here, with the data it resolves, so that zones/ never imports instances/. */
@Resolver(() => Zone)
export class ZoneInstancesResolver {
  @Scopes(SCOPE.instancesRead)
  @ResolveField(() => InstancePage, {
    description: "The first page of this zone's instances, for a zone picker. Batched: every zone of an operation in one upstream call.",
    complexity: upstreamCost((args) => args.pageSize ?? 10, { calls: () => 0, loaders: ['zoneInstances'] }),
  })
  instances(@Parent() zone: Zone, @Args() { pageSize }: ZoneInstancesArgs, @Context() ctx: GraphqlContext): Promise<InstancePage> {
    return ctx.loaders.zoneInstances.load({ zoneId: zone.id, pageSize: pageSize ?? 10 });
  }
}

/**
 * `Image.instances`: lives here, with the data it resolves, so that images/ never imports
 * instances/. A client without `instances:read` gets FORBIDDEN on this field alone; the image
 * and its other fields still answer.
 */
@Resolver(() => Image)
export class ImageInstancesResolver {
  @Scopes(SCOPE.instancesRead)
  @ResolveField(() => InstancePage, {
    nullable: true,
    description:
      'The instances made from this image, in every zone: what deleting it would leave without their image (scope instances:read). Null only with an error for this field (FORBIDDEN without instances:read, or an upstream failure), so that the image and the rest of the answer still come. One upstream call (DescribeInstances filtered by the image) per image and page, all of an operation sent together; inside a list, the upstream-call limit counts one per image the list can hold.',
    complexity: perParentCost((args) => args.pageSize ?? DEFAULT_PAGE_SIZE),
  })
  instances(@Parent() image: Image, @Args() { page, pageSize }: PageArgs, @Context() ctx: GraphqlContext): Promise<InstancePage | null> {
    return ctx.loaders.imageInstances.load({ imageId: image.id, page: page ?? 1, pageSize: pageSize ?? DEFAULT_PAGE_SIZE });
  }
}
