import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentNode, getOperationAST, getVariableValues, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, ValidationContext, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { GatewayConfig } from '../config';
import { GatewayError, noIntrospectionRule, sendGatewayError, toGraphQLError } from '../common/errors';
import { ASSUMED_ZONE_COUNT, tallyUpstreamCalls, totalUpstreamCalls, UpstreamCallTally } from '../common/graphql-cost';
import { currentRequest, GRAPHQL_PATH } from '../common/request-context';
import { jsonShapeProblem } from '../common/validation/json-shape';

type Limits = GatewayConfig['graphql'];

const limitError = (message: string) => toGraphQLError(new GatewayError('GRAPHQL_VALIDATION_FAILED', message), { http: true });

/** At most `max` fields at the top of any one operation (fragments spread there count too). */
function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      let count = 0;
      const visit = (selections: readonly import('graphql').SelectionNode[], seen: Set<string>) => {
        for (const selection of selections) {
          if (selection.kind === Kind.FIELD) count += 1;
          else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet.selections, seen);
          else if (!seen.has(selection.name.value)) {
            seen.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) visit(fragment.selectionSet.selections, seen);
          }
        }
      };
      visit(operation.selectionSet.selections, new Set());
      if (count > max) {
        context.reportError(limitError(`The operation has ${count} root fields; the most allowed is ${max} (GRAPHQL_MAX_ROOT_FIELDS)`));
      }
    },
  });
}

/**
 * The gateway's validation rules beside graphql-js's own, over HTTP and WebSocket alike: the
 * size limits, and no introspection when it is off (with a message naming GRAPHQL_INTROSPECTION).
 */
export function limitRules(limits: Limits): ValidationRule[] {
  // graphql-armor throws by default, which Apollo turns into a 500; report as a validation error instead.
  const reportAs = (variable: string) => ({
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(limitError(`${error.message.replace(/^Syntax Error: /, '')} (${variable})`))],
  });
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportAs('GRAPHQL_MAX_DEPTH') }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...reportAs('GRAPHQL_MAX_ALIASES') }) as unknown as ValidationRule,
    maxRootFieldsRule(limits.maxRootFields),
    ...(limits.introspection ? [] : [noIntrospectionRule]),
  ];
}

/**
 * What {@link checkOperation} checks: the cost and the upstream calls of one operation, and how
 * to learn the account's number of zones for an operation that goes across them.
 */
export type OperationLimits = Pick<Limits, 'maxCost' | 'maxUpstreamCalls'> & { zoneCount?: () => Promise<number> };

/**
 * Checks a parsed and validated operation against the cost and upstream-call limits, before it
 * runs; an empty list when it may run. Over HTTP the Apollo plugin below calls it; the same call
 * serves graphql-ws (after `validate(schema, document, [...specifiedRules, ...limitRules(limits)])`).
 * A field that asks every zone counts one call per zone the account has (`zoneCount`, read only
 * for such an operation; {@link ASSUMED_ZONE_COUNT} when not given).
 *
 * Variables that do not fit the operation (wrong type, a required one missing) are not this
 * check's to report: it passes, and executing the operation answers BAD_USER_INPUT, as GraphQL
 * does for every such mistake.
 */
export async function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): Promise<GraphQLError[]> {
  const measured = measurements.get(document, operationName, variables, () => measure(schema, document, operationName, variables));
  if (!measured) return [];
  if (measured.cost > limits.maxCost) {
    return [limitError(`The operation costs ${measured.cost}; the most allowed is ${limits.maxCost} (GRAPHQL_MAX_COST)`)];
  }
  const zones = measured.calls.perZone > 0 ? await limits.zoneCount?.() : 0;
  const calls = totalUpstreamCalls(measured.calls, zones);
  if (calls > limits.maxUpstreamCalls) {
    const acrossZones = measured.calls.perZone > 0 ? `, ${calls - measured.calls.fixed} of them across the account's ${zones ?? ASSUMED_ZONE_COUNT} zones` : '';
    return [
      limitError(
        `The operation can make ${calls} upstream calls (one per root field with its own arguments, one per batched lookup, one per zone for a listing across zones${acrossZones}, one per image a list can hold for Image.instances); the most allowed is ${limits.maxUpstreamCalls} (GRAPHQL_MAX_UPSTREAM_CALLS)`,
      ),
    ];
  }
  return [];
}

interface Measurement {
  cost: number;
  calls: UpstreamCallTally;
}

const COST_ESTIMATORS = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 0 })];

/** The cost and upstream calls of an operation; undefined when there is no such operation or its variables do not fit. */
function measure(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): Measurement | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return undefined;
  try {
    return {
      cost: getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: variables ?? {}, estimators: COST_ESTIMATORS }),
      calls: tallyUpstreamCalls(schema, document, operation, coerced.coerced),
    };
  } catch (error) {
    // An argument the operation's own validation let through but execution will refuse.
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
}

/** How logs and the audit log name an operation: its type and name, or its root fields (`query zones,imageQuotas`). */
export function operationLabel(operation: OperationDefinitionNode): string {
  const rootFields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  return `${operation.operation} ${operation.name?.value ?? rootFields.join(',')}`;
}

/**
 * Refuses an operation over the cost or upstream-call limit before it runs (see
 * {@link checkOperation}), and a subscription sent over HTTP. Every upstream-backed field
 * declares its cost (`complexity`), and list fields multiply the cost of what they select by the
 * number of items they may return. Also names the operation in the request context, for the
 * logs and the audit log.
 */
export function limitsPlugin(limits: Limits & Pick<OperationLimits, 'zoneCount'>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request: { variables }, operation }) {
          const context = currentRequest();
          if (context && operation) context.operation = operationLabel(operation);
          // Over HTTP a subscription would run once as a query, with no events to resolve.
          if (operation?.operation === 'subscription') {
            throw toGraphQLError(new GatewayError('BAD_REQUEST', 'Subscriptions are served over WebSocket: use the graphql-ws protocol on /graphql'), { http: true });
          }
          const [refusal] = await checkOperation(schema, document, operationName, variables, limits);
          if (refusal) throw refusal;
        },
      };
    },
  };
}

/**
 * Measurements already made, per document and variables. Apollo hands the same parsed document
 * object to every request with the same query text, so a frontend's repeated operations are
 * measured once instead of walking the document against the schema on every request.
 */
class MeasurementCache {
  /** Variables longer than this, as JSON, are measured each time rather than kept as keys. */
  private static readonly MAX_KEY_LENGTH = 1024;
  /** Entries per document; a document seen with more variable sets starts over. */
  private static readonly MAX_ENTRIES = 64;
  private readonly byDocument = new WeakMap<object, Map<string, Measurement | undefined>>();

  get(
    document: object,
    operationName: string | undefined | null,
    variables: Record<string, unknown> | undefined | null,
    compute: () => Measurement | undefined,
  ): Measurement | undefined {
    let key: string;
    try {
      key = `${operationName ?? ''}\u0000${variables ? JSON.stringify(variables) : ''}`;
    } catch {
      return compute();
    }
    if (key.length > MeasurementCache.MAX_KEY_LENGTH) return compute();
    let entries = this.byDocument.get(document);
    if (!entries) this.byDocument.set(document, (entries = new Map()));
    if (entries.has(key)) return entries.get(key);
    const measured = compute();
    if (entries.size >= MeasurementCache.MAX_ENTRIES) entries.clear();
    entries.set(key, measured);
    return measured;
  }
}

const measurements = new MeasurementCache();

/**
 * Refuses, before GraphQL parses anything, a batch of more than `maxBatch` operations, a
 * document larger than `maxDocumentBytes` (POST body or GET query string), and `variables` or
 * `extensions` nested deeper than any input of the schema or holding a `__proto__` key. A
 * Fastify `preHandler` hook: the body is parsed by then.
 */
export function requestLimitsHook(limits: Pick<Limits, 'maxBatch' | 'maxDocumentBytes'>) {
  const refuse = (request: FastifyRequest, reply: FastifyReply, message: string) => sendGatewayError(request, reply, new GatewayError('BAD_REQUEST', message));

  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (request.routeOptions.url !== GRAPHQL_PATH) return;
    const operations: unknown[] = Array.isArray(request.body) ? request.body : [request.method === 'GET' ? request.query : request.body];
    if (operations.length > limits.maxBatch) {
      return refuse(request, reply, `The request batches ${operations.length} operations; the most allowed is ${limits.maxBatch} (GRAPHQL_MAX_BATCH)`);
    }
    for (const operation of operations) {
      const query = (operation as { query?: unknown } | undefined)?.query;
      const size = typeof query === 'string' ? Buffer.byteLength(query, 'utf8') : 0;
      if (size > limits.maxDocumentBytes) {
        return refuse(request, reply, `The document is ${size} bytes; the most allowed is ${limits.maxDocumentBytes} (GRAPHQL_MAX_DOCUMENT_BYTES)`);
      }
      for (const part of ['variables', 'extensions'] as const) {
        const problem = jsonShapeProblem(jsonOf((operation as Record<string, unknown> | undefined)?.[part]));
        if (problem) return refuse(request, reply, `\`${part}\` ${problem}`);
      }
    }
  };
}

/**
 * A POST body's part as it is; a GET search parameter parsed as Apollo will parse it. Fastify
 * refuses a `__proto__` key in a JSON body itself, but a search parameter is JSON only to Apollo.
 */
function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined; // Apollo answers for invalid JSON.
  }
}
