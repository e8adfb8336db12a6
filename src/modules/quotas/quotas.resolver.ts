import { Args, ArgsType, Context, Field, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Scopes, SCOPE } from '../../auth/scopes';
import { batchedCost, upstreamCost, zoneListSize } from '../../common/graphql-cost';
import type { GraphqlContext } from '../graphql-context';
import { IsZoneId } from '../../common/validation/rules';
import { ZoneIdsArgs } from '../../common/validation/zone-ids';
import { Zone } from '../zones/zone.model';
import { ImageQuota } from './image-quota.model';
import { QuotasService } from './quotas.service';

@ArgsType()
export class ImageQuotaArgs {
  @Field()
  @IsZoneId()
  zoneId: string;
}

@Resolver(() => ImageQuota)
export class QuotasResolver {
  constructor(private readonly service: QuotasService) {}

  @Scopes(SCOPE.read)
  @Query(() => [ImageQuota], {
    description: 'Custom image quotas per zone; all zones when zoneIds is omitted.',
    complexity: upstreamCost(zoneListSize),
  })
  imageQuotas(@Args() { zoneIds }: ZoneIdsArgs): Promise<ImageQuota[]> {
    return this.service.list(zoneIds ?? undefined);
  }

  @Scopes(SCOPE.read)
  @Query(() => ImageQuota, { nullable: true, description: "One zone's quota, null for an unknown zone. Batched.", complexity: batchedCost('imageQuota') })
  imageQuota(@Args() { zoneId }: ImageQuotaArgs, @Context() ctx: GraphqlContext): Promise<ImageQuota | null> {
    return ctx.loaders.imageQuota.load(zoneId);
  }

  @Scopes(SCOPE.read)
  @ResolveField(() => Zone, { nullable: true, complexity: batchedCost('zone') })
  zone(@Parent() quota: ImageQuota, @Context() ctx: GraphqlContext): Promise<Zone | null> {
    return ctx.loaders.zone.load(quota.zoneId);
  }
}
