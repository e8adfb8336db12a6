import { ArgsType, Field } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CommaSeparated } from '../rest';
import { IsZoneIdList } from './rules';

/** `zoneIds` of a GraphQL query over zones (zones, image quotas); a feature's args use or extend it. */
@ArgsType()
export class ZoneIdsArgs {
  @Field(() => [String], { nullable: true, description: 'All zones when omitted.' })
  @IsOptional()
  @IsZoneIdList()
  zoneIds?: string[];
}

/** `?zoneIds=FRA-A,HKG-A` of a REST route over zones (zones, image quotas). */
export class ZoneIdsQuery {
  @ApiPropertyOptional({ description: 'Comma-separated zone ids (1 to 100, distinct); all zones when omitted', example: ['FRA-A', 'HKG-A'] })
  @IsOptional()
  @CommaSeparated()
  @IsZoneIdList()
  zoneIds?: string[];
}
