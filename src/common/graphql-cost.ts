import type { ComplexityEstimatorArgs } from '@nestjs/graphql';
import {
  DocumentNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLField,
  GraphQLIncludeDirective,
  GraphQLNamedType,
  GraphQLSchema,
  GraphQLSkipDirective,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';
import { stableJson } from './stable-json';

/** What one upstream-backed field costs, before what it selects. */
const UPSTREAM_FIELD_COST = 10;
/** How many zones a list of all zones is assumed to hold, where the real number is not given. */
export const ASSUMED_ZONE_COUNT = 25;

type Args = Record<string, any>;

/** How a field reaches Zenlayer: what it adds to the upstream calls an operation can cause. */
export interface UpstreamCalls {
  /** Calls the field makes itself for these arguments (0 when it only goes through loaders). */
  calls: (args: Args) => number;
  /** Calls the field makes once in every zone of the account for these arguments (a listing across zones). */
  perZone: (args: Args) => number;
  /** Per-operation loaders the field goes through: every field under one parent shares one call per loader. */
  /** Names of the operation's loaders (`GraphqlContext.loaders`) the field batches through; common/ knows no feature, so names, not types. */
  loaders: readonly string[];
  /**
   * Calls the field makes once for every parent object it is resolved on, for these arguments
   * (a loader whose upstream action takes one key per call): inside a list, once per item the
   * enclosing lists can hold.
   */
  perParent: (args: Args) => number;
  /** How many items the field may return for these arguments (1 for an object); what its children multiply by. */
  items: (args: Args) => number;
}

/** A field's `complexity`, carrying how the field reaches Zenlayer for {@link tallyUpstreamCalls}. */
export type UpstreamCostEstimator = ((options: ComplexityEstimatorArgs) => number) & { upstream: UpstreamCalls };

/**
 * The `complexity` of an upstream-backed field: its own cost plus what it selects, times the
 * number of items it may return. By default the field makes one upstream call of its own per
 * distinct arguments; `calls` says otherwise (e.g. a write that then reads through a loader).
 */
export const upstreamCost = (items: (args: Args) => number = () => 1, calls: Partial<UpstreamCalls> = {}): UpstreamCostEstimator =>
  Object.assign(({ args, childComplexity }: ComplexityEstimatorArgs) => UPSTREAM_FIELD_COST + childComplexity * Math.max(1, items(args)), {
    upstream: { calls: calls.calls ?? (() => 1), perZone: calls.perZone ?? (() => 0), loaders: calls.loaders ?? [], perParent: calls.perParent ?? (() => 0), items },
  });

/**
 * The `complexity` of a field served by a per-operation loader that still makes one upstream
 * call per parent (its upstream action takes one key a call): the operation's identical keys
 * share a call, every other parent costs one. `items` is how many items the field may return.
 */
export const perParentCost = (items: (args: Args) => number = () => 1): UpstreamCostEstimator => upstreamCost(items, { calls: () => 0, perParent: () => 1 });

/** The `complexity` of a field served by a per-operation loader (DataLoader): batched into one call per loader. */
export const batchedCost = (loader: string): UpstreamCostEstimator => upstreamCost(undefined, { calls: () => 0, loaders: [loader] });

export const zoneListSize = (args: Args): number => (Array.isArray(args.zoneIds) ? args.zoneIds.length : ASSUMED_ZONE_COUNT);

const upstreamOf = (field: GraphQLField<unknown, unknown>): UpstreamCalls | undefined =>
  (field.extensions?.complexity as Partial<UpstreamCostEstimator> | undefined)?.upstream;

/** The upstream calls an operation can cause: `fixed`, plus `perZone` in every zone of the account. */
export interface UpstreamCallTally {
  fixed: number;
  perZone: number;
}

/** The calls of a {@link tallyUpstreamCalls} tally on an account of `zoneCount` zones. */
export const totalUpstreamCalls = ({ fixed, perZone }: UpstreamCallTally, zoneCount = ASSUMED_ZONE_COUNT): number => fixed + perZone * zoneCount;

/**
 * The most upstream calls an operation can cause, before it runs, from the fields' declared
 * {@link UpstreamCalls}:
 * - a field making its own calls counts them once per distinct arguments under the same parent
 *   call (identical reads in flight share one call); in a mutation every root field counts, as
 *   mutations run one after another and writes are never shared;
 * - the fields going through one loader under the same parent call count once: DataLoader folds
 *   them into one call. Under different parent calls they are resolved at different times, so
 *   each parent call counts its own batch.
 *
 * A field making its own calls inside a list is counted once, not once per item: such fields
 * should go through a loader. A field declaring `perParent` calls is the exception: it counts
 * them once per parent object, that is once per item the lists above it can hold (each list's
 * `items`, e.g. its page size, multiplied down the path), once per response path (fragments
 * selecting it twice at the same place share it). `variables` must be the operation's coerced
 * variable values.
 */
export function tallyUpstreamCalls(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Args): UpstreamCallTally {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counted = new Set<string>();
  const mutation = operation.operation === 'mutation';
  let calls = 0;
  let perZone = 0;
  let rootIndex = 0;

  const included = (selection: SelectionNode): boolean =>
    getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if !== false;

  /** Where a walk is: the response path (for `perParent` fields) and how many parent objects it may stand for. */
  interface Place {
    path: string;
    parents: number;
  }

  const walk = (
    parent: GraphQLNamedType | undefined | null,
    selectionSet: SelectionSetNode,
    scope: string,
    root: boolean,
    spread: ReadonlySet<string>,
    place: Place,
  ): void => {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return;
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(type, selection.selectionSet, scope, root, spread, place);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || spread.has(fragment.name.value)) continue;
        walk(schema.getType(fragment.typeCondition.name.value), fragment.selectionSet, scope, root, new Set([...spread, fragment.name.value]), place);
        continue;
      }
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const upstream = upstreamOf(field);
      let inner = scope;
      const here: Place = { path: `${place.path}/${selection.alias?.value ?? selection.name.value}${mutation && root ? `#${rootIndex}` : ''}`, parents: place.parents };
      if (upstream) {
        const args = getArgumentValues(field, selection, variables);
        const perParent = upstream.perParent?.(args) ?? 0;
        if (perParent > 0 && !counted.has(`path:${here.path}`)) {
          counted.add(`path:${here.path}`);
          calls += perParent * place.parents;
        }
        here.parents = place.parents * Math.max(1, upstream.items?.(args) ?? 1);
        const own = upstream.calls(args);
        const ownPerZone = upstream.perZone(args);
        if (own > 0 || ownPerZone > 0) {
          inner = `${scope}/${parent.name}.${field.name}(${stableJson(args)})${mutation && root ? `#${rootIndex}` : ''}`;
          if (!counted.has(inner)) {
            counted.add(inner);
            calls += own;
            perZone += ownPerZone;
          }
        }
        for (const loader of upstream.loaders) {
          const batch = `${inner}|${loader}`;
          if (!counted.has(batch)) {
            counted.add(batch);
            calls += 1;
          }
        }
        // What this field's loaded values select is resolved once its batches are done.
        if (own === 0 && ownPerZone === 0 && upstream.loaders.length > 0) inner = `${scope}|${upstream.loaders.join(',')}`;
      }
      if (root) rootIndex += 1;
      if (selection.selectionSet) walk(getNamedType(field.type), selection.selectionSet, inner, false, spread, here);
    }
  };

  walk(schema.getRootType(operation.operation), operation.selectionSet, '', true, new Set(), { path: '', parents: 1 });
  return { fixed: calls, perZone };
}
