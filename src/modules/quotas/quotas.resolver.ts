import { Args, ArgsType, Context, Field, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import type { GraphqlContext } from '../../common/graphql-context';
import { IsZoneId, IsZoneIdList } from '../../common/validation/rules';
import { Zone } from '../zones/zone.model';
import { ImageQuota } from './image-quota.model';
import { QuotasService } from './quotas.service';

@ArgsType()
export class ImageQuotasArgs {
  @Field(() => [String], { nullable: true, description: 'All zones when omitted.' })
  @IsOptional()
  @IsZoneIdList()
  zoneIds?: string[];
}

@ArgsType()
export class ImageQuotaArgs {
  @Field()
  @IsZoneId()
  zoneId: string;
}

@Resolver(() => ImageQuota)
export class QuotasResolver {
  constructor(private readonly service: QuotasService) {}

  @Query(() => [ImageQuota], { description: 'Custom image quotas per zone; all zones when zoneIds is omitted.' })
  imageQuotas(@Args() { zoneIds }: ImageQuotasArgs): Promise<ImageQuota[]> {
    return this.service.list(zoneIds ?? undefined);
  }

  @Query(() => ImageQuota, { nullable: true, description: "One zone's quota, null for an unknown zone. Batched." })
  imageQuota(@Args() { zoneId }: ImageQuotaArgs, @Context() ctx: GraphqlContext): Promise<ImageQuota | null> {
    return ctx.loaders.imageQuota.load(zoneId);
  }

  @ResolveField(() => Zone, { nullable: true })
  zone(@Parent() quota: ImageQuota, @Context() ctx: GraphqlContext): Promise<Zone | null> {
    return ctx.loaders.zone.load(quota.zoneId);
  }
}
