import { createHash } from 'node:crypto';
import { GRAPHQL_PATH, pathOf } from './request-context';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, sendGatewayError } from './errors';

/** Registered operations by id and by the SHA-256 of their text (see config/trusted-documents-file.ts). */
export type TrustedDocuments = ReadonlyMap<string, string>;

/** The parts of a GraphQL request (HTTP body or query string, graphql-ws `subscribe` payload) that name its operation. */
export interface OperationParams {
  query?: unknown;
  /** GraphQL Code Generator's client preset with persisted documents sends this. */
  documentId?: unknown;
  /** Apollo Client's persisted queries link sends `{ persistedQuery: { version: 1, sha256Hash } }`. */
  extensions?: unknown;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The registered document a request asks for, by id (`documentId` or
 * `extensions.persistedQuery.sha256Hash`) or by its full text. Throws
 * `PERSISTED_QUERY_NOT_FOUND` for an id the manifest does not hold and `OPERATION_NOT_ALLOWED`
 * for a text it does not hold; undefined when the request names no operation at all (GraphQL's
 * own error answers that).
 */
export function trustedDocumentFor(documents: TrustedDocuments, params: OperationParams): string | undefined {
  const id = typeof params.documentId === 'string' ? params.documentId : persistedQueryHash(params.extensions);
  if (id !== undefined) {
    const document = documents.get(id);
    if (document === undefined) {
      throw new GatewayError('PERSISTED_QUERY_NOT_FOUND', 'No registered operation has this id: this gateway serves only the operations in its manifest (GRAPHQL_TRUSTED_DOCUMENTS)');
    }
    if (typeof params.query === 'string' && params.query !== document) {
      throw new GatewayError('OPERATION_NOT_ALLOWED', 'The query text differs from the registered operation with this id');
    }
    return document;
  }
  if (typeof params.query !== 'string') return undefined;
  if (!documents.has(sha256(params.query))) {
    throw new GatewayError('OPERATION_NOT_ALLOWED', 'This operation is not registered: this gateway serves only the operations in its manifest (GRAPHQL_TRUSTED_DOCUMENTS)');
  }
  return params.query;
}

/**
 * Fastify `preHandler` for `/graphql` in trusted-documents mode: replaces each operation's id by
 * its registered text before Apollo sees the request, and refuses anything unregistered.
 * Apollo's own persisted-query handling is bypassed: the manifest is the only source.
 */
export function trustedDocumentsHook(documents: TrustedDocuments) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (request.routeOptions.url !== GRAPHQL_PATH) return;
    try {
      if (request.method === 'GET') return resolveGet(documents, request);
      const operations = Array.isArray(request.body) ? request.body : [request.body];
      for (const operation of operations) {
        if (typeof operation === 'object' && operation !== null) resolveInPlace(documents, operation as Record<string, unknown>);
      }
    } catch (error) {
      if (error instanceof GatewayError) return sendGatewayError(request, reply, error);
      throw error;
    }
  };
}

function resolveInPlace(documents: TrustedDocuments, operation: Record<string, unknown>): void {
  const document = trustedDocumentFor(documents, operation);
  if (document === undefined) return;
  operation.query = document;
  delete operation.documentId;
  const extensions = withoutPersistedQuery(operation.extensions);
  if (extensions === undefined) delete operation.extensions;
  else operation.extensions = extensions;
}

function resolveGet(documents: TrustedDocuments, request: FastifyRequest): void {
  const params = { ...(request.query as Record<string, string | undefined>) };
  let extensions: unknown;
  try {
    extensions = params.extensions === undefined ? undefined : JSON.parse(params.extensions);
  } catch {
    extensions = undefined; // GraphQL answers a malformed `extensions` itself
  }
  const document = trustedDocumentFor(documents, { query: params.query, documentId: params.documentId, extensions });
  if (document === undefined) return;
  params.query = document;
  delete params.documentId;
  const rest = withoutPersistedQuery(extensions);
  if (rest === undefined) delete params.extensions;
  else params.extensions = JSON.stringify(rest);
  // Apollo reads a GET's operation from the URL, the request limits from the parsed query.
  request.query = params;
  request.raw.url = `${pathOf(request.raw.url ?? GRAPHQL_PATH)}?${new URLSearchParams(params as Record<string, string>)}`;
}

function persistedQueryHash(extensions: unknown): string | undefined {
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

function withoutPersistedQuery(extensions: unknown): unknown {
  if (typeof extensions !== 'object' || extensions === null || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _dropped, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
