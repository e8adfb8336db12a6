import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { buildSchema, execute, GraphQLSchema, parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ERROR_CODE_LIST } from '../../src/common/errors';

/**
 * Checks answers against the published contract: a REST answer against openapi.json (its
 * status, media type and body), a GraphQL answer against schema.graphql (its data has the
 * shape and types the operation asks of the schema). Each returns the ways an answer breaks
 * the contract, none when it keeps it.
 */

const ROOT = join(__dirname, '../..');
export const OPENAPI_DOCUMENT = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
const GRAPHQL_SCHEMA: GraphQLSchema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));

export interface RecordedAnswer {
  method: string;
  /** The path and query the request was sent to. */
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(OPENAPI_DOCUMENT, 'openapi.json');
const validators = new Map<string, ValidateFunction>();
const validatorOf = (pointer: string): ValidateFunction => {
  let validator = validators.get(pointer);
  if (!validator) {
    validator = ajv.compile({ $ref: `openapi.json#${pointer}` });
    validators.set(pointer, validator);
  }
  return validator;
};
const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** The document's paths as patterns: `/v1/images/{id}` matches `/v1/images/img-1` (and `/v1/images/img-1/`). */
const PATHS = Object.keys(OPENAPI_DOCUMENT.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}));

const PROBLEM_SCHEMA = '/components/schemas/ProblemDetails';

/** Whether the REST contract speaks of this path at all. */
export const isDocumentedPath = (path: string): boolean => PATHS.some(({ pattern }) => pattern.test(path));

/** How a REST answer departs from openapi.json; empty when it keeps it, or when the path is not the document's. */
export function restViolations(answer: RecordedAnswer): string[] {
  const path = answer.url.split('?', 1)[0];
  const where = `${answer.method} ${path} → ${answer.status}`;
  const mediaType = (answer.headers.get('content-type') ?? '').split(';', 1)[0].trim();
  const found = PATHS.find(({ pattern }) => pattern.test(path));
  if (!found) {
    // Not a path of the document: only its error bodies are the document's business.
    return mediaType === 'application/problem+json' ? schemaViolations(where, PROBLEM_SCHEMA, answer.body) : [];
  }
  const method = answer.method === 'HEAD' ? 'get' : answer.method.toLowerCase();
  const operation: Operation | undefined = OPENAPI_DOCUMENT.paths[found.template][method];
  if (!operation) {
    const problems = answer.status === 405 ? [] : [`${where}: the path does not take ${answer.method}, so the answer must be 405`];
    if (answer.status === 405 && !answer.headers.get('allow')) problems.push(`${where}: a 405 must carry Allow`);
    return [...problems, ...(mediaType === 'application/problem+json' ? schemaViolations(where, PROBLEM_SCHEMA, answer.body) : [`${where}: not problem+json`])];
  }
  const statusKey = String(answer.status) in operation.responses ? String(answer.status) : 'default' in operation.responses ? 'default' : undefined;
  if (!statusKey) return [`${where}: status ${answer.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
  const content = operation.responses[statusKey].content;
  if (answer.body === '' || answer.method === 'HEAD') {
    return content && answer.method !== 'HEAD' ? [`${where}: the document promises a body (${Object.keys(content).join(', ')}), the answer has none`] : [];
  }
  if (!content) return [`${where}: the document promises no body, the answer has one (${mediaType})`];
  if (!(mediaType in content)) return [`${where}: answered as ${mediaType || 'no media type'}, documented as ${Object.keys(content).join(', ')}`];
  return schemaViolations(where, `/paths/${escape(found.template)}/${method}/responses/${statusKey}/content/${escape(mediaType)}/schema`, answer.body);
}

function schemaViolations(where: string, pointer: string, body: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`${where}: the body is not JSON: ${body.slice(0, 120)}`];
  }
  const validator = validatorOf(pointer);
  if (validator(value)) return [];
  return (validator.errors ?? []).map((error) => `${where}: body${error.instancePath} ${error.message} (${JSON.stringify(error.params)}); body ${body.slice(0, 300)}`);
}

export interface GraphqlExchange {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  /** The answer's `data` and `errors`. */
  answer: { data?: unknown; errors?: unknown[] };
}

/** Every GraphQL error carries `extensions.code`, one of the contract's codes (API.md). */
function errorCodeViolations(errors: unknown[]): string[] {
  return errors.flatMap((error) => {
    const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
    return typeof code === 'string' && (ERROR_CODE_LIST as readonly string[]).includes(code)
      ? []
      : [`a GraphQL error without a code of the contract (${JSON.stringify(code)}): ${JSON.stringify(error).slice(0, 200)}`];
  });
}

/**
 * How a GraphQL answer departs from schema.graphql: the operation is executed against the
 * published schema with every field read from the answer (by its response key), so a field
 * the schema does not have, a null in a non-null field, an enum value or scalar of the wrong
 * kind all show, and the result must equal the answer. An answer with errors is partial by
 * design: its errors must each carry a code of the contract, its data is not checked.
 */
export function graphqlViolations({ query, variables, operationName, answer }: GraphqlExchange): string[] {
  if (answer.errors !== undefined) return Array.isArray(answer.errors) ? errorCodeViolations(answer.errors) : ['a GraphQL answer whose errors are not a list'];
  // Sent by id (trusted documents), the operation's text is not at hand: nothing to check the data by.
  if (answer.data === undefined || answer.data === null || query === '') return [];
  let document;
  try {
    document = parse(query);
  } catch {
    return [`a GraphQL answer with data for a document that does not parse: ${query.slice(0, 120)}`];
  }
  const invalid = validate(GRAPHQL_SCHEMA, document);
  if (invalid.length > 0) return [`a GraphQL answer with data for an operation schema.graphql refuses (${invalid[0].message}): ${query.slice(0, 120)}`];
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition' && (!operationName || definition.name?.value === operationName));
  if (operation && operation.kind === 'OperationDefinition' && operation.operation === 'subscription') return [];
  const result = execute({
    schema: GRAPHQL_SCHEMA,
    document,
    rootValue: answer.data,
    variableValues: variables ?? undefined,
    operationName: operationName ?? undefined,
    fieldResolver: (source, _args, _context, info) => (source as Record<string, unknown> | null)?.[info.path.key as string],
  });
  if (result instanceof Promise) return ['schema check: execution was not synchronous'];
  const where = `GraphQL ${query.replace(/\s+/g, ' ').slice(0, 100)}`;
  if (result.errors?.length) return result.errors.map((error) => `${where}: ${error.message} at ${error.path?.join('.')}`);
  return isDeepStrictEqual(JSON.parse(JSON.stringify(result.data)), answer.data) ? [] : [`${where}: the answer's data is not what schema.graphql makes of it: ${JSON.stringify(answer.data).slice(0, 300)}`];
}
