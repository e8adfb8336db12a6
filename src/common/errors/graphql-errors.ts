import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException, Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError, ValidationRule } from 'graphql';
import { currentRequest } from '../request-context';
import { codeOfApolloCode, codeOfStatus } from './error-codes';
import { graphqlErrorJson } from './error-responses';
import { GatewayError } from './gateway-error';

const logger = new Logger('GraphQL');

export interface GraphqlErrorFormatOptions {
  /**
   * Leave out GraphQL's "Did you mean ...?" suggestions, which tell a stranger the schema's
   * names when introspection is off. Apollo's `hideSchemaDetailsFromClientErrors` covers
   * validation errors only; this covers variable coercion errors too.
   */
  hideSuggestions?: boolean;
}

/**
 * graphql-js's "Did you mean …?" hints name fields, arguments, types and enum values of the
 * schema: with introspection off they would give away what introspection hides.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+\?$/s, '');
}

/** What a client asking for `__schema` or `__type` is told while introspection is off: the gateway's switch, not Apollo's option. */
export const INTROSPECTION_DISABLED_MESSAGE =
  'GraphQL introspection is off on this gateway (the production default), so __schema and __type are refused; set GRAPHQL_INTROSPECTION=true to turn it on';

/**
 * Refuses introspection, over HTTP and WebSocket alike, with {@link INTROSPECTION_DISABLED_MESSAGE}.
 * Used instead of Apollo's rule, whose message tells the client to pass `introspection: true`
 * to ApolloServer, and of graphql-js's, which names no switch at all. One error per entry
 * point, as Apollo's: the fields selected inside `__schema` are not reported again.
 */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError(INTROSPECTION_DISABLED_MESSAGE, { nodes: node }));
    }
  },
});

/**
 * Apollo's `formatError` (and graphql-ws's for subscription events): the one translation of
 * errors into GraphQL responses. Known errors keep their message and code; anything else
 * becomes a generic internal error carrying the request id, and the real error goes to the
 * log only.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, options: GraphqlErrorFormatOptions = {}): GraphQLFormattedError {
  const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
  return graphqlErrorJson(gatewayErrorOf(unwrapResolverError(error), message), { locations: formatted.locations, path: formatted.path });
}

function gatewayErrorOf(original: unknown, message: string): GatewayError {
  if (original instanceof GatewayError) return original;
  if (original instanceof HttpException) {
    const known = GatewayError.fromStatus(original.getStatus(), original.message);
    if (known) return known;
  }
  if (original instanceof GraphQLError) {
    // Apollo's and graphql-js's own errors (syntax, validation, limits, variable coercion) already say what to fix.
    const apolloCode = original.extensions?.code;
    const code = typeof apolloCode === 'string' ? codeOfApolloCode(apolloCode) : undefined;
    if (code) return new GatewayError(code, message);
    // Apollo refuses some requests with a 4xx status and no code: a persisted query whose hash
    // does not match its text, an unsupported persisted-query version.
    const status = (original.extensions?.http as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return new GatewayError(codeOfStatus(status)!, message);
  }
  const requestId = currentRequest()?.requestId;
  logger.error({ err: original, requestId }, 'unexpected error in a GraphQL operation');
  return GatewayError.internal(requestId);
}
