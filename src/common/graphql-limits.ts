import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, Kind, ValidationContext, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { GatewayConfig } from '../config';
import { currentRequest } from './request-context';

type Limits = GatewayConfig['graphql'];

const limitError = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });

/** At most `max` fields at the top of any one operation (fragments spread there count too). */
export function maxRootFieldsRule(max: number): ValidationRule {
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

/** Validation rules that refuse an oversized operation before any resolver runs. */
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
  ];
}

/**
 * Refuses an operation over the cost limit before it runs. Every upstream-backed field declares its cost (`complexity`), and list
 * fields multiply the cost of what they select by the number of items they may return.
 * Also names the operation in the request context, for the logs and the audit log.
 */
export function limitsPlugin(limits: Limits): ApolloServerPlugin {
  const costs = new CostCache();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request: { variables }, operation }) {
          const context = currentRequest();
          if (context && operation) {
            const rootFields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
            context.operation = `${operation.operation} ${operationName ?? rootFields.join(',')}`;
          }
          const cost = costs.get(document, operationName, variables, () =>
            getComplexity({
              schema,
              query: document,
              operationName: operationName ?? undefined,
              variables: variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 0 })],
            }),
          );
          if (cost > limits.maxCost) {
            throw limitError(`The operation costs ${cost}; the most allowed is ${limits.maxCost} (GRAPHQL_MAX_COST)`);
          }
        },
      };
    },
  };
}

/**
 * Costs already computed, per document and variables. Apollo hands the same parsed document
 * object to every request with the same query text, so a frontend's repeated operations are
 * costed once instead of walking the document against the schema on every request.
 */
class CostCache {
  /** Variables longer than this, as JSON, are costed each time rather than kept as keys. */
  private static readonly MAX_KEY_LENGTH = 1024;
  /** Entries per document; a document seen with more variable sets starts over. */
  private static readonly MAX_ENTRIES = 64;
  private readonly byDocument = new WeakMap<object, Map<string, number>>();

  get(document: object, operationName: string | undefined | null, variables: Record<string, unknown> | undefined, compute: () => number): number {
    const key = `${operationName ?? ''}\u0000${variables ? JSON.stringify(variables) : ''}`;
    if (key.length > CostCache.MAX_KEY_LENGTH) return compute();
    let entries = this.byDocument.get(document);
    if (!entries) this.byDocument.set(document, (entries = new Map()));
    const known = entries.get(key);
    if (known !== undefined) return known;
    const cost = compute();
    if (entries.size >= CostCache.MAX_ENTRIES) entries.clear();
    entries.set(key, cost);
    return cost;
  }
}

/**
 * Refuses, before GraphQL parses anything, a batch of more than `maxBatch` operations and a
 * document larger than `maxDocumentBytes` (POST body or GET query string). A Fastify
 * `preHandler` hook: the body is parsed by then.
 */
export function requestLimitsHook(limits: Pick<Limits, 'maxBatch' | 'maxDocumentBytes'>) {
  const refuse = (reply: FastifyReply, message: string) =>
    reply.code(400).type('application/json; charset=utf-8').send(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }));

  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (request.routeOptions.url !== '/graphql') return;
    const operations: unknown[] = Array.isArray(request.body) ? request.body : [request.method === 'GET' ? request.query : request.body];
    if (operations.length > limits.maxBatch) {
      return refuse(reply, `The request batches ${operations.length} operations; the most allowed is ${limits.maxBatch} (GRAPHQL_MAX_BATCH)`);
    }
    for (const operation of operations) {
      const query = (operation as { query?: unknown } | undefined)?.query;
      const size = typeof query === 'string' ? Buffer.byteLength(query, 'utf8') : 0;
      if (size > limits.maxDocumentBytes) {
        return refuse(reply, `The document is ${size} bytes; the most allowed is ${limits.maxDocumentBytes} (GRAPHQL_MAX_DOCUMENT_BYTES)`);
      }
    }
  };
}
