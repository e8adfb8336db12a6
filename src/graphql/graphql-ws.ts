import type { IncomingMessage } from 'node:http';
import {
  DocumentNode,
  execute,
  ExecutionArgs,
  ExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  OperationTypeNode,
  parse,
  specifiedRules,
  subscribe,
  validate,
  ValidationRule,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { Authenticator, credentialHeaders } from '../auth/authenticator';
import type { ClientRateLimiter } from '../auth/client-rate-limiter';
import type { Identity } from '../auth/identity';
import { ALL_SCOPES } from '../auth/scopes';
import { ErrorCode, formatGraphqlError, GatewayError, toGraphQLError, withoutSuggestions } from '../common/errors';
import { checkOperation, limitRules, operationLabel } from './graphql-limits';
import { runOperation } from '../common/request-context';
import { trustedDocumentFor } from '../common/trusted-documents';
import { jsonShapeProblem } from '../common/validation/json-shape';
import type { GatewayConfig } from '../config';
import { clientAddressOf, TrustFunction } from '../common/client-address';

/**
 * Close codes of the gateway's graphql-ws connections, beside graphql-ws's own (4400 bad
 * message, 4406 subprotocol, 4408 no connection_init in time, 4409 duplicate id) and the
 * WebSocket ones (1009 message too big).
 */
const WS_CLOSE = {
  /** Missing or wrong credentials in connection_init; graphql-ws clients do not retry it. */
  unauthorized: 4401,
  /** The credentials grant no scope of this API. */
  forbidden: 4403,
  /** The client already has GRAPHQL_WS_MAX_CONNECTIONS_PER_CLIENT connections open, or its address too many failed authentications. */
  tooMany: 4429,
} as const;

/** A graphql-ws connection's `extra`, as graphql-ws's `ws` adapter makes it, with the identity from connection_init. */
interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  identity?: Identity;
}

type WsContext = Context<Record<string, unknown> | undefined, unknown>;

/** One client identity's open connections and active subscriptions, over all its connections. */
interface ClientUsage {
  connections: number;
  subscriptions: number;
}

/** An acknowledged connection: whose it is, and the ids of its subscriptions still active. */
interface Connection {
  key: string;
  usage: ClientUsage;
  subscriptions: Set<string>;
}

/** What the graphql-ws options need from the rest of the gateway. */
export interface GraphqlWsDependencies {
  limits: GatewayConfig['graphql'];
  authenticator: Pick<Authenticator, 'authenticate'>;
  /** The same throttling of failed authentications per source address as over HTTP. */
  authFailures: Pick<AuthFailureLimiter, 'guard'>;
  /** The same limiter, hence the same per-client budget, as HTTP requests. */
  rateLimiter: Pick<ClientRateLimiter, 'consume'>;
  /** The executable schema; known only once Nest has built it. */
  schema: () => GraphQLSchema;
  /** REQUEST_DEADLINE_MS: how long a query or mutation may take, as over HTTP. */
  deadlineMs: number;
  /** TRUST_PROXY, compiled: the client's address is the one Fastify's `request.ip` gives over HTTP. */
  trustProxy: TrustFunction;
  /** The account's number of zones, for the upstream-call limit of a listing across zones. */
  zoneCount?: () => Promise<number>;
}

/** Sockets whose connection_init was accepted; before that, {@link isAdmitted} is false and messages are kept small. */
const admitted = new WeakSet<object>();

/** Whether a graphql-ws socket has been authenticated (its connection_init accepted). */
export const isAdmitted = (socket: object): boolean => admitted.has(socket);

/** Same key as the HTTP rate limit (authentication.hook.ts): the identity, anonymous callers per address. */
const clientKey = (identity: Identity, address: string): string => (identity.kind === 'anonymous' ? `ip:${address}` : identity.id);

/** A WebSocket close reason is at most 123 bytes. */
const closeReason = (text: string): string => (Buffer.byteLength(text) <= 123 ? text : `${Buffer.from(text).subarray(0, 120).toString().replace(/\uFFFD+$/, '')}...`);

const gatewayError = (code: ErrorCode, message: string) => toGraphQLError(new GatewayError(code, message));

/**
 * graphql-ws server options that hold every operation received over WebSocket to the rules of
 * HTTP: the same credentials and scopes (checked at connection_init), the same client rate limit
 * (each `subscribe` message counts as one request), the same document size, introspection
 * switch, depth, alias, root-field, cost and upstream-call limits, and no schema suggestions in
 * refusals when the schema is not public. Adds caps on open connections and active
 * subscriptions per client.
 * An operation refused here never executes: graphql-ws answers it with an `error` message.
 */
export function graphqlWsOptions({ limits, authenticator, authFailures, rateLimiter, schema, deadlineMs, trustProxy, zoneCount }: GraphqlWsDependencies) {
  // As over HTTP (app.module.ts): suggestions are hidden when the schema is (introspection off, the production default).
  const hideSuggestions = !limits.introspection;
  const rules: ValidationRule[] = [...specifiedRules, ...limitRules(limits)];
  const clients = new Map<string, ClientUsage>();
  const connections = new WeakMap<WsContext, Connection>();
  const scrub = (message: string) => (hideSuggestions ? withoutSuggestions(message) : message);
  const withCode = (error: GraphQLError, code: ErrorCode) => toGraphQLError(new GatewayError(code, scrub(error.message)), { source: error });

  const refuse = (socket: WebSocket, code: number, reason: string): false => {
    socket.close(code, closeReason(reason));
    // graphql-ws then closes with 4403 itself: a no-op on a socket already closing.
    return false;
  };

  const release = (connection: Connection, id: string) => {
    if (!connection.subscriptions.delete(id)) return;
    connection.usage.subscriptions -= 1;
  };

  /** Measures, parses, validates and costs an operation as the HTTP path does: the errors, or what to execute. */
  const check = async (payload: SubscribePayload): Promise<readonly GraphQLError[] | { args: ExecutionArgs; kind: OperationTypeNode }> => {
    let query: string | undefined = payload.query;
    if (limits.trustedDocuments) {
      // graphql-ws requires `query`; a client sending a persisted id sends it empty.
      query = trustedDocumentFor(limits.trustedDocuments, { ...payload, query: payload.query || undefined });
    }
    if (typeof query !== 'string' || query === '') return [gatewayError('BAD_REQUEST', 'The subscribe message carries no GraphQL document')];
    const size = Buffer.byteLength(query, 'utf8');
    if (size > limits.maxDocumentBytes) {
      return [gatewayError('BAD_REQUEST', `The document is ${size} bytes; the most allowed is ${limits.maxDocumentBytes} (GRAPHQL_MAX_DOCUMENT_BYTES)`)];
    }
    for (const part of ['variables', 'extensions'] as const) {
      const problem = jsonShapeProblem(payload[part]);
      if (problem) return [gatewayError('BAD_REQUEST', `\`${part}\` ${problem}`)];
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
      throw error;
    }
    const executable = schema();
    const invalid = validate(executable, document, rules);
    if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return [gatewayError('BAD_REQUEST', operationName ? `Unknown operation named "${operationName}"` : 'Must provide operation name if query contains multiple operations')];
    }
    const variables = payload.variables ?? {};
    // Checked here, not left to execution: graphql-ws would pass graphql-js's uncoded errors on as internal ones.
    const coerced = getVariableValues(executable, operation.variableDefinitions ?? [], variables, { maxErrors: 10 });
    if (coerced.errors) return coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT'));
    const refusals = await checkOperation(executable, document, operationName, variables, { ...limits, zoneCount });
    if (refusals.length > 0) return refusals.map((error) => withCode(error, (error.extensions.code as ErrorCode | undefined) ?? 'GRAPHQL_VALIDATION_FAILED'));
    return { args: { schema: executable, document, operationName, variableValues: variables }, kind: operation.operation };
  };

  /** The request context's fields for an operation: its client (as over HTTP, the identity's id) and its name. */
  const contextOf = (args: ExecutionArgs) => {
    const operation = getOperationAST(args.document, args.operationName);
    return { client: (args.contextValue as { identity?: Identity } | undefined)?.identity?.id, operation: operation ? operationLabel(operation) : undefined };
  };

  return {
    connectionInitWaitTimeout: limits.wsInitTimeoutMs,

    // Each operation runs in a request context of its own, as an HTTP request does: its upstream
    // calls count against its client's fair share and are audited under its name; a query or
    // mutation has REQUEST_DEADLINE_MS, a subscription lives as long as it is wanted.
    execute: (args: ExecutionArgs) => runOperation(contextOf(args), deadlineMs, () => execute(args)),
    subscribe: (args: ExecutionArgs) => runOperation(contextOf(args), undefined, () => subscribe(args)),

    onConnect: async (ctx: WsContext): Promise<boolean> => {
      const extra = ctx.extra as unknown as Extra;
      const { socket, request } = extra;
      const address = clientAddressOf(request, trustProxy);
      let identity: Identity;
      try {
        identity = await authFailures.guard(address, () => authenticator.authenticate(credentialHeaders(ctx.connectionParams)));
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        if (error.code === 'RATE_LIMITED') return refuse(socket, WS_CLOSE.tooMany, error.message);
        if (error.code === 'UNAUTHENTICATED') return refuse(socket, WS_CLOSE.unauthorized, error.message);
        throw error;
      }
      if (!ALL_SCOPES.some((scope) => identity.scopes.has(scope))) {
        return refuse(socket, WS_CLOSE.forbidden, `Forbidden: these credentials grant none of the scopes ${ALL_SCOPES.join(', ')}`);
      }
      // Closed while authenticating: onClose has run already, so nothing may be counted now.
      if (socket.readyState !== socket.OPEN) return false;
      const key = clientKey(identity, address);
      const usage = clients.get(key) ?? { connections: 0, subscriptions: 0 };
      if (usage.connections >= limits.wsMaxConnectionsPerClient) {
        return refuse(socket, WS_CLOSE.tooMany, `Too many connections: this client already has ${usage.connections} open (GRAPHQL_WS_MAX_CONNECTIONS_PER_CLIENT)`);
      }
      usage.connections += 1;
      clients.set(key, usage);
      connections.set(ctx, { key, usage, subscriptions: new Set() });
      extra.identity = identity;
      admitted.add(socket);
      return true;
    },

    onSubscribe: async (ctx: WsContext, id: string, payload: SubscribePayload): Promise<readonly GraphQLError[] | ExecutionArgs> => {
      const connection = connections.get(ctx);
      if (!connection) return [gatewayError('UNAUTHENTICATED', 'The connection is not authenticated')];
      try {
        await rateLimiter.consume(connection.key);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        return [toGraphQLError(error)];
      }
      let checked: Awaited<ReturnType<typeof check>>;
      try {
        checked = await check(payload);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        return [toGraphQLError(error)];
      }
      // From here on nothing awaits: the subscription cap is checked and taken in one step.
      if (!connections.has(ctx)) return [gatewayError('BAD_REQUEST', 'The connection has closed')];
      if (!('args' in checked)) return checked;
      // Queries and mutations end on their own (and count against the rate limit); subscriptions stay.
      if (checked.kind !== OperationTypeNode.SUBSCRIPTION) return checked.args;
      if (connection.usage.subscriptions >= limits.wsMaxSubscriptionsPerClient) {
        return [
          gatewayError(
            'RATE_LIMITED',
            `Too many active subscriptions: this client already has ${connection.usage.subscriptions}, the most allowed (GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT); complete one first`,
          ),
        ];
      }
      connection.subscriptions.add(id);
      connection.usage.subscriptions += 1;
      return checked.args;
    },

    // Errors of subscription events get the same translation as over HTTP.
    onNext: (_ctx: WsContext, _id: string, _payload: SubscribePayload, _args: ExecutionArgs, result: ExecutionResult) =>
      result.errors
        ? {
            ...result,
            errors: result.errors.map((error) => formatGraphqlError(error.toJSON(), error, { hideSuggestions })),
          }
        : result,

    onComplete: (ctx: WsContext, id: string) => {
      const connection = connections.get(ctx);
      if (connection) release(connection, id);
    },

    onClose: (ctx: WsContext) => {
      const connection = connections.get(ctx);
      if (!connection) return;
      connections.delete(ctx);
      for (const id of [...connection.subscriptions]) release(connection, id);
      connection.usage.connections -= 1;
      if (connection.usage.connections === 0 && connection.usage.subscriptions === 0) clients.delete(connection.key);
    },
  };
}
