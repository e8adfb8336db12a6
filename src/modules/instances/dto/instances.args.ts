import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { PageArgs } from '../../../common/validation/paging';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsIdList, IsImageNameFilter, IsResourceId, IsZoneId } from '../../../common/validation/rules';

/** Zenlayer's statuses are upper-case words (RUNNING, STOPPED, ...); it lists no closed set. */
const INSTANCE_STATUS_PATTERN = /^[A-Z][A-Z0-9_]{0,31}$/;

/** The filter rule for an instance status: any upper-case word, as Zenlayer may add statuses. */
export const IsInstanceStatus = () =>
  Matches(INSTANCE_STATUS_PATTERN, { message: 'must be an instance status in capitals, such as STOPPED or RUNNING' });

export const INSTANCE_STATUS_FILTER_DESCRIPTION = 'An instance status as Zenlayer names it, e.g. STOPPED, RUNNING, STOPPING, BOOTING.';
export const INSTANCE_NAME_FILTER_DESCRIPTION = 'Instance name to search for, as Zenlayer matches it: 1 to 128 characters, no control characters.';

/** The most instances `Zone.instances` shows: a zone picker needs a glimpse, not the list. */
export const ZONE_INSTANCES_MAX = 100;

@InputType({ description: 'Every given field must match (AND).' })
export class InstanceFilter {
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsIdList()
  ids?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @IsZoneId()
  zoneId?: string;

  @Field({ nullable: true, description: INSTANCE_STATUS_FILTER_DESCRIPTION })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsInstanceStatus()
  status?: string;

  @Field({ nullable: true, description: INSTANCE_NAME_FILTER_DESCRIPTION })
  @IsOptional()
  @IsImageNameFilter()
  name?: string;
}

@ArgsType()
export class InstancesArgs extends PageArgs {
  @Field(() => InstanceFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceFilter)
  filter?: InstanceFilter;

}

@ArgsType()
export class ImageCreationCheckArgs {
  @Field(() => ID)
  @IsResourceId()
  instanceId: string;
}

@ArgsType()
export class ZoneInstancesArgs {
  @Field(() => Int, { nullable: true, defaultValue: 10, description: `How many of the zone's first instances: 1 to ${ZONE_INSTANCES_MAX}.` })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: `must be from 1 to ${ZONE_INSTANCES_MAX}` })
  @Max(ZONE_INSTANCES_MAX, { message: `must be from 1 to ${ZONE_INSTANCES_MAX}` })
  pageSize?: number;
}
