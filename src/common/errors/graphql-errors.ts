import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException, Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
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

const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Apollo's `formatError` (and graphql-ws's for subscription events): the one translation of
 * errors into GraphQL responses. Known errors keep their message and code; anything else
 * becomes a generic internal error carrying the request id, and the real error goes to the
 * log only.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, options: GraphqlErrorFormatOptions = {}): GraphQLFormattedError {
  const message = options.hideSuggestions ? formatted.message.replace(SUGGESTION, '') : formatted.message;
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
