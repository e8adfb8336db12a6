import { Args, ArgsType, Context, Field, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import type { GraphqlContext } from '../../common/graphql-context';
import { IsZoneIdList } from '../../common/validation/rules';
import { ImageQuota } from '../quotas/image-quota.model';
import { Zone } from './zone.model';
import { ZonesService } from './zones.service';

@ArgsType()
export class ZonesArgs {
  @Field(() => [String], { nullable: true, description: 'All zones when omitted.' })
  @IsOptional()
  @IsZoneIdList()
  zoneIds?: string[];
}

@Resolver(() => Zone)
export class ZonesResolver {
  constructor(private readonly service: ZonesService) {}

  @Query(() => [Zone])
  zones(@Args() { zoneIds }: ZonesArgs): Promise<Zone[]> {
    return this.service.list(zoneIds ?? undefined);
  }

  @ResolveField(() => ImageQuota, { nullable: true, description: "This zone's custom image quota. Batched." })
  imageQuota(@Parent() zone: Zone, @Context() ctx: GraphqlContext): Promise<ImageQuota | null> {
    return ctx.loaders.imageQuota.load(zone.id);
  }
}
