import type { ComplexityEstimatorArgs } from '@nestjs/graphql';

/** What one upstream-backed field costs, before what it selects. */
export const UPSTREAM_FIELD_COST = 10;
/** How many zones a list of all zones is assumed to hold. */
export const ASSUMED_ZONE_COUNT = 25;

/**
 * The `complexity` of an upstream-backed field: its own cost plus what it selects, times the
 * number of items it may return.
 */
export const upstreamCost =
  (items: (args: Record<string, any>) => number = () => 1) =>
  ({ args, childComplexity }: ComplexityEstimatorArgs): number =>
    UPSTREAM_FIELD_COST + childComplexity * Math.max(1, items(args));

export const zoneListSize = (args: Record<string, any>): number =>
  Array.isArray(args.zoneIds) ? args.zoneIds.length : ASSUMED_ZONE_COUNT;
