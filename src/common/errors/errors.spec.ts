import 'reflect-metadata';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ConflictException, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { GraphQLError, parse } from 'graphql';
import { ProblemDetails } from '../rest';
import {
  codeOfApolloCode,
  codeOfStatus,
  ERROR_CODE_LIST,
  ERROR_CODES,
  ErrorCode,
  errorResponse,
  formatGraphqlError,
  GatewayError,
  graphqlErrorJson,
  httpStatusOf,
  problemDetails,
  requestTarget,
  statusOfCode,
  toGraphQLError,
} from '.';

/** The codes of API.md, in its order. */
const CONTRACT: ErrorCode[] = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'QUOTA_EXCEEDED',
  'FAILED_PRECONDITION',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'STORE_UNAVAILABLE',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_NOT_ALLOWED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'INTERNAL_SERVER_ERROR',
];

describe('ERROR_CODES', () => {
  it('holds exactly the codes of the public contract', () => {
    expect(ERROR_CODE_LIST).toEqual(CONTRACT);
  });

  it.each([
    ['BAD_USER_INPUT', 400],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['QUOTA_EXCEEDED', 409],
    ['FAILED_PRECONDITION', 409],
    ['IDEMPOTENCY_KEY_REUSED', 409],
    ['RATE_LIMITED', 429],
    ['UPSTREAM_ERROR', 502],
    ['UPSTREAM_UNAVAILABLE', 503],
    ['STORE_UNAVAILABLE', 503],
    ['PERSISTED_QUERY_NOT_FOUND', 400],
    ['OPERATION_NOT_ALLOWED', 400],
    ['GRAPHQL_PARSE_FAILED', 400],
    ['GRAPHQL_VALIDATION_FAILED', 400],
    ['BAD_REQUEST', 400],
    ['INTERNAL_SERVER_ERROR', 500],
  ] as const)('answers %s with HTTP %i', (code, status) => {
    expect(statusOfCode(code)).toBe(status);
    expect(httpStatusOf(new GatewayError(code, 'm'))).toBe(status);
  });

  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'FAILED_PRECONDITION'],
    [429, 'RATE_LIMITED'],
    // Any other 4xx is a malformed request.
    [405, 'BAD_REQUEST'],
    [408, 'BAD_REQUEST'],
    [413, 'BAD_REQUEST'],
    [415, 'BAD_REQUEST'],
    [431, 'BAD_REQUEST'],
    // A bare 5xx is the gateway's own failure, never an upstream or store one.
    [500, 'INTERNAL_SERVER_ERROR'],
    [502, 'INTERNAL_SERVER_ERROR'],
    [503, 'INTERNAL_SERVER_ERROR'],
    [200, undefined],
    [302, undefined],
    [600, undefined],
  ] as const)('reads a bare HTTP %i as %s', (status, code) => {
    expect(codeOfStatus(status)).toBe(code);
  });

  it('reads each status a code claims back as that code, and no status is claimed twice', () => {
    const claimed = Object.entries(ERROR_CODES).filter(([, row]) => 'fromStatus' in row);
    expect(new Set(claimed.map(([, row]) => row.status)).size).toBe(claimed.length);
    for (const [code, row] of claimed) expect(codeOfStatus(row.status)).toBe(code);
    // And every status a code answers with reads as a code with the same status (or, for 5xx, as the gateway's own failure).
    for (const code of ERROR_CODE_LIST) {
      const read = codeOfStatus(statusOfCode(code))!;
      expect(statusOfCode(read) === statusOfCode(code) || read === 'INTERNAL_SERVER_ERROR').toBe(true);
    }
  });

  it("passes on every one of Apollo Server's own codes as a code of the contract", () => {
    const apolloCodes = Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR);
    for (const apolloCode of apolloCodes) expect(ERROR_CODE_LIST).toContain(codeOfApolloCode(apolloCode));
    expect(codeOfApolloCode(ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE)).toBe('BAD_REQUEST');
    expect(codeOfApolloCode(ApolloServerErrorCode.INTERNAL_SERVER_ERROR)).toBeUndefined();
    expect(codeOfApolloCode('SOMETHING_ELSE')).toBeUndefined();
  });

  it('turns a bare 4xx into an error keeping that status, and leaves a 5xx to the caller', () => {
    expect(GatewayError.fromStatus(413, 'too large')).toMatchObject({ code: 'BAD_REQUEST', message: 'too large', details: { httpStatus: 413 } });
    expect(GatewayError.fromStatus(404, 'No such route')).toMatchObject({ code: 'NOT_FOUND', details: { httpStatus: 404 } });
    expect(GatewayError.fromStatus(500, 'boom')).toBeUndefined();
  });

  it('is the enum of ProblemDetails.code in the OpenAPI document', () => {
    const properties = Reflect.getMetadata('swagger/apiModelProperties', ProblemDetails.prototype, 'code') as { enum: unknown };
    expect(properties.enum).toEqual(CONTRACT);
  });
});

const upstream = { action: 'CreateImage', code: 'LIMIT_EXCEEDED_IMAGE_QUOTA', requestId: 'T-1' };

describe('GraphQL error bodies', () => {
  it('write the code first, then only what the error carries, in a fixed order, and nothing internal', () => {
    const error = new GatewayError('QUOTA_EXCEEDED', 'full', {
      requestId: 'r-1',
      retryAfterSeconds: 3,
      blocker: 'QUOTA_FULL',
      upstream,
      fields: [{ field: 'input.name', reasons: ['is bad'] }],
      outcomeUnknown: true,
      httpStatus: 418,
    });
    expect(JSON.stringify(graphqlErrorJson(error))).toBe(
      '{"message":"full","extensions":{"code":"QUOTA_EXCEEDED","fields":[{"field":"input.name","reasons":["is bad"]}],' +
        '"upstream":{"action":"CreateImage","code":"LIMIT_EXCEEDED_IMAGE_QUOTA","requestId":"T-1"},"blocker":"QUOTA_FULL","retryAfter":3,"requestId":"r-1"}}',
    );
  });

  it('answer a request refused on /graphql in GraphQL shape, with the headers the code calls for', () => {
    const limited = errorResponse(new GatewayError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 7 }), { graphql: true, path: '/graphql' });
    expect(limited).toEqual({
      status: 429,
      contentType: 'application/json; charset=utf-8',
      headers: { 'retry-after': '7' },
      body: '{"errors":[{"message":"slow down","extensions":{"code":"RATE_LIMITED","retryAfter":7}}]}',
    });
    const unauthenticated = errorResponse(new GatewayError('UNAUTHENTICATED', 'who are you'), { graphql: true, path: '/graphql' });
    expect(unauthenticated).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' }, body: '{"errors":[{"message":"who are you","extensions":{"code":"UNAUTHENTICATED"}}]}' });
  });

  it('are GraphQLErrors for graphql-js and graphql-ws, keeping where a replaced error pointed', () => {
    expect(toGraphQLError(new GatewayError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 2 })).toJSON()).toEqual({
      message: 'slow down',
      extensions: { code: 'RATE_LIMITED', retryAfter: 2 },
    });
    expect(toGraphQLError(new GatewayError('BAD_REQUEST', 'no'), { http: true }).extensions).toEqual({ code: 'BAD_REQUEST', http: { status: 400 } });
    let syntax: GraphQLError | undefined;
    try {
      parse('{ zones {');
    } catch (error) {
      syntax = error as GraphQLError;
    }
    const replaced = toGraphQLError(new GatewayError('GRAPHQL_PARSE_FAILED', syntax!.message), { source: syntax });
    expect(replaced.toJSON()).toEqual({ message: syntax!.message, locations: syntax!.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });

  describe(formatGraphqlError.name, () => {
    const at = { message: 'as Apollo formatted it', locations: [{ line: 1, column: 3 }], path: ['createImage'] };
    beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
    afterEach(() => jest.restoreAllMocks());

    it('keeps a gateway error as it is, where it happened', () => {
      const formatted = formatGraphqlError(at, new GatewayError('FAILED_PRECONDITION', 'power it off', { upstream, blocker: 'INSTANCE_NOT_STOPPED' }));
      expect(formatted).toEqual({ ...at, message: 'power it off', extensions: { code: 'FAILED_PRECONDITION', upstream, blocker: 'INSTANCE_NOT_STOPPED' } });
      expect(Object.keys(formatted)).toEqual(['message', 'locations', 'path', 'extensions']);
    });

    it('reads an HttpException by its status', () => {
      expect(formatGraphqlError(at, new ConflictException('busy')).extensions).toEqual({ code: 'FAILED_PRECONDITION' });
      expect(formatGraphqlError(at, new NotFoundException('gone'))).toMatchObject({ message: 'gone', extensions: { code: 'NOT_FOUND' } });
      expect(formatGraphqlError(at, new HttpException('teapot', 418)).extensions).toEqual({ code: 'BAD_REQUEST' });
    });

    it("passes Apollo's own request errors on with a code of the contract, without their other extensions", () => {
      const validation = new GraphQLError('Cannot query field "zonez" on type "Query". Did you mean "zones"?', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', extra: 1 } });
      expect(formatGraphqlError({ message: validation.message }, validation)).toEqual({ message: validation.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      expect(formatGraphqlError({ message: validation.message }, validation, { hideSuggestions: true }).message).toBe('Cannot query field "zonez" on type "Query".');
      const unresolved = new GraphQLError('Unknown operation named "X".', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } });
      expect(formatGraphqlError({ message: unresolved.message }, unresolved).extensions).toEqual({ code: 'BAD_REQUEST' });
      const mismatch = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
      expect(formatGraphqlError({ message: mismatch.message }, mismatch).extensions).toEqual({ code: 'BAD_REQUEST' });
    });

    it('hides anything else behind a generic internal error', () => {
      const formatted = formatGraphqlError(at, new Error('secret detail'));
      expect(formatted).toEqual({ ...at, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(formatGraphqlError(at, new HttpException('boom', 500)).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(formatGraphqlError(at, new GraphQLError('odd', { extensions: { http: { status: 500 } } })).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    });
  });
});

describe('problem+json bodies', () => {
  it('write RFC 9457 members, then the gateway\'s, in a fixed order', () => {
    const error = new GatewayError('QUOTA_EXCEEDED', 'full', { upstream, blocker: 'QUOTA_FULL', retryAfterSeconds: 3, requestId: 'r-1', outcomeUnknown: true });
    expect(JSON.stringify(problemDetails(error, '/v1/images'))).toBe(
      '{"type":"about:blank","title":"Quota exceeded","status":409,"detail":"full","code":"QUOTA_EXCEEDED",' +
        '"upstream":{"action":"CreateImage","code":"LIMIT_EXCEEDED_IMAGE_QUOTA","requestId":"T-1"},"blocker":"QUOTA_FULL","instance":"/v1/images"}',
    );
    expect(problemDetails(GatewayError.badInput([{ field: 'name', reasons: ['is bad'] }]))).toEqual({
      type: 'about:blank',
      title: 'Bad user input',
      status: 400,
      detail: 'Invalid input: name is bad',
      code: 'BAD_USER_INPUT',
      errors: [{ field: 'name', reasons: ['is bad'] }],
    });
  });

  it('take a more precise status when there is one', () => {
    expect(problemDetails(new GatewayError('BAD_REQUEST', 'too big', { httpStatus: 413 })).status).toBe(413);
    const late = new GatewayError('UPSTREAM_UNAVAILABLE', 'late', { upstream: { action: 'DescribeZones', code: 'GATEWAY_UPSTREAM_TIMEOUT' } });
    expect(problemDetails(late).status).toBe(504);
    expect(problemDetails(new GatewayError('UPSTREAM_UNAVAILABLE', 'down')).status).toBe(503);
  });

  it('answer a request refused outside /graphql, with the headers the code calls for', () => {
    expect(errorResponse(new GatewayError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 7 }), { graphql: false, path: '/v1/zones' })).toEqual({
      status: 429,
      contentType: 'application/problem+json; charset=utf-8',
      headers: { 'retry-after': '7' },
      body: '{"type":"about:blank","title":"Rate limited","status":429,"detail":"slow down","code":"RATE_LIMITED","instance":"/v1/zones"}',
    });
  });
});

describe(requestTarget.name, () => {
  it('answers in GraphQL shape for the GraphQL route, however its URL is spelt', () => {
    expect(requestTarget({ url: '/graphql?query=x', routeOptions: { url: '/graphql' } })).toEqual({ graphql: true, path: '/graphql' });
    expect(requestTarget({ url: '/graphql/', routeOptions: { url: '/graphql' } })).toEqual({ graphql: true, path: '/graphql/' });
    expect(requestTarget({ url: '/graphql', routeOptions: {} })).toEqual({ graphql: true, path: '/graphql' });
    expect(requestTarget({ url: '/v1/images?page=2', routeOptions: { url: '/v1/images' } })).toEqual({ graphql: false, path: '/v1/images' });
  });
});
