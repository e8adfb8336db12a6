/**
 * Errors of the gateway, one way in and one way out: the codes of the public contract with
 * their HTTP statuses (error-codes.ts), the error services throw (gateway-error.ts), the one
 * writer of GraphQL and problem+json error bodies (error-responses.ts), and the translators
 * of other errors into it: Apollo's `formatError` (graphql-errors.ts), the REST exception
 * filter (problem.filter.ts) and Fastify's router and HTTP-parser refusals (framework-errors.ts).
 */
export * from './error-codes';
export * from './gateway-error';
export * from './error-responses';
export * from './graphql-errors';
export * from './problem.filter';
export * from './framework-errors';
