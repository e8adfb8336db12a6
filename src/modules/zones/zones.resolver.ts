import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Scopes, SCOPE } from '../../auth/scopes';
import { batchedCost, upstreamCost, zoneListSize } from '../../common/graphql-cost';
import type { GraphqlContext } from '../graphql-context';
import { ZoneIdsArgs } from '../../common/validation/zone-ids';
import { ImageQuota } from '../quotas/image-quota.model';
import { Zone } from './zone.model';
import { ZonesService } from './zones.service';

@Resolver(() => Zone)
export class ZonesResolver {
  constructor(private readonly service: ZonesService) {}

  @Scopes(SCOPE.read)
  @Query(() => [Zone], { complexity: upstreamCost(zoneListSize) })
  zones(@Args() { zoneIds }: ZoneIdsArgs): Promise<Zone[]> {
    return this.service.list(zoneIds ?? undefined);
  }

  @Scopes(SCOPE.read)
  @ResolveField(() => ImageQuota, { nullable: true, description: "This zone's custom image quota. Batched.", complexity: batchedCost('imageQuota') })
  imageQuota(@Parent() zone: Zone, @Context() ctx: GraphqlContext): Promise<ImageQuota | null> {
    return ctx.loaders.imageQuota.load(zone.id);
  }
}
