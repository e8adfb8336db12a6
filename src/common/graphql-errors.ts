import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { HttpException, Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode, GatewayError } from './gateway-error';
import { currentRequest } from './request-context';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'RATE_LIMITED',
};

/** Codes Apollo gives to problems with the request itself, as opposed to failures while running it. */
const REQUEST_ERROR_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

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
 * The one translation of errors into GraphQL responses. Known errors keep their message and
 * code; anything else becomes a generic internal error carrying the request id, and the real
 * error goes to the log only.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, options: GraphqlErrorFormatOptions = {}): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const message = options.hideSuggestions ? formatted.message.replace(SUGGESTION, '') : formatted.message;
  const base = { message, locations: formatted.locations, path: formatted.path };

  if (original instanceof GatewayError) {
    const { fields, upstream, retryAfterSeconds, blocker } = original.details;
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(fields && { fields }),
        ...(upstream && { upstream }),
        ...(blocker && { blocker }),
        ...(retryAfterSeconds !== undefined && { retryAfter: retryAfterSeconds }),
      },
    };
  }
  if (original instanceof HttpException) {
    const code = STATUS_CODES[original.getStatus()];
    if (code) return { ...base, message: original.message, extensions: { code } };
  }
  // Apollo's and graphql-js's own errors (syntax, validation, limits, variable coercion) already say what to fix.
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
    return { ...base, extensions: { code } };
  }
  // Apollo refuses some requests with a 4xx status and no code: a persisted query whose hash
  // does not match its text, an unsupported persisted-query version.
  const status = original instanceof GraphQLError ? (original.extensions?.http as { status?: unknown } | undefined)?.status : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { ...base, extensions: { code: 'BAD_REQUEST' } };
  }

  const requestId = currentRequest()?.requestId;
  logger.error({ err: original, requestId }, 'unexpected error in a GraphQL operation');
  return {
    ...base,
    message: `Internal server error${requestId ? ` (request id ${requestId})` : ''}`,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId && { requestId }) },
  };
}
