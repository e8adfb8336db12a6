import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { documentClassRules, documentQueryLists, documentValidationRules } from './openapi-rules';
import { FieldProblemDocument, ProblemDetails, UpstreamReferenceDocument } from './rest';

const TITLE = 'Zenlayer image gateway — REST';

/** The server a document names when it is not served to a request (the published file). */
const DEFAULT_SERVER = { url: '/', description: 'The gateway that serves this document (at /docs-json, the document names the origin it was asked at)' };

/**
 * The OpenAPI document of the REST face, built from the controllers and their DTOs: every
 * class-validator rule the validation pipe enforces is stated in it (see openapi-rules.ts).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  documentValidationRules();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(TITLE)
      .setDescription(
        [
          'Zenlayer Cloud VM images, image quotas, zones and instances for internal services: the same services, validation, caching, idempotency and error codes as the GraphQL API at `/graphql`.',
          '',
          'Every error is `application/problem+json` (RFC 9457) with a `code` from the same list as GraphQL `extensions.code`; a bad input lists each bad field in `errors`.',
          'A path answers a method it does not take with 405 and an `Allow` header.',
        ].join('\n'),
      )
      .setVersion(process.env.npm_package_version ?? '0.1.0')
      .addServer(DEFAULT_SERVER.url, DEFAULT_SERVER.description)
      .addTag('images', 'Custom and public images: list, read, create from a powered-off instance, rename, delete')
      .addTag('quotas', 'Custom image quotas per zone')
      .addTag('zones', 'Zones, and whether images can be made in each')
      .addTag('instances', 'Instances, each with whether an image can be made of it now')
      .addTag('operations', 'Liveness and readiness probes for orchestrators; no credentials needed')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key of GATEWAY_API_KEYS' }, 'api-key')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key or a JWT' }, 'bearer')
      .build(),
    { extraModels: [ProblemDetails, FieldProblemDocument, UpstreamReferenceDocument] },
  );
  // Not open source (package.json: UNLICENSED): a name, and no licence text to link to.
  document.info.license = { name: 'UNLICENSED: proprietary, for internal use only' };
  documentClassRules(document);
  documentQueryLists(document);
  allowNullReferences(document);
  documentHttpCaching(document);
  return document;
}

/** Response headers every authenticated answer may carry (common/http-caching.ts, auth/client-rate-limiter.ts). */
const ANSWER_HEADERS = {
  'Cache-Control': { description: '`private, no-store`; `private, no-cache` on a GET answered with an `ETag`. Never `public`.', schema: { type: 'string' } },
  Vary: { description: 'Names the credential headers (`Authorization`, `X-API-Key`), so that no cache gives the answer to another client', schema: { type: 'string' } },
  RateLimit: { description: 'With RATE_LIMIT_PER_MINUTE on: where the client stands, e.g. `"per-client";r=599;t=42` (remaining requests, seconds to the window\'s reset), shared by every replica', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'With RATE_LIMIT_PER_MINUTE on: the client\'s limit, e.g. `"per-client";q=600;w=60`', schema: { type: 'string' } },
};
const ETAG = { ETag: { description: 'A strong validator (SHA-256 of the body): send it back in `If-None-Match` to be answered 304 while nothing changed', schema: { type: 'string' } } };

/**
 * States the caching and rate-limit fields the server sends: on every answer of an operation
 * that takes credentials, and `ETag`, `If-None-Match` and 304 on the REST GETs.
 */
function documentHttpCaching(document: OpenAPIObject): void {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...ANSWER_HEADERS, ...ETAG } };
  const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as Array<[string, { security?: unknown[]; responses: Record<string, { headers?: Record<string, unknown>; description: string }>; parameters?: unknown[] }]>) {
      if (!operation?.responses || (Array.isArray(operation.security) && operation.security.length === 0)) continue;
      const conditional = method === 'get' && path.startsWith('/v1/');
      if (conditional) {
        operation.parameters = [
          ...(operation.parameters ?? []),
          { name: 'If-None-Match', in: 'header', required: false, description: 'An `ETag` of an earlier answer: 304 with no body when it still matches', schema: { type: 'string' } },
        ];
        operation.responses['304'] = { description: 'Not Modified: the answer is the one `If-None-Match` names; no body' };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const named = Object.keys(ANSWER_HEADERS).concat(conditional && (status === '200' || status === '304') ? ['ETag'] : []);
        response.headers = { ...response.headers, ...Object.fromEntries(named.map((name) => [name, ref(name)])) };
      }
    }
  }
}

/**
 * A nullable member of a model type (`systemDisk: SystemDisk | null`): @nestjs/swagger writes
 * `nullable` beside `allOf: [$ref]`, which OpenAPI 3.0.3 reads as not admitting null (`nullable`
 * only widens a `type` in the same schema). Said as OpenAPI 3.0 can say it: the model, or null.
 */
function allowNullReferences(document: OpenAPIObject): void {
  for (const schema of Object.values(document.components?.schemas ?? {}) as Array<{ properties?: Record<string, Record<string, unknown>> }>) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const allOf = property.allOf as unknown[] | undefined;
      if (property.nullable !== true || allOf?.length !== 1) continue;
      const { nullable: _nullable, type: _type, allOf: _allOf, ...rest } = property;
      schema.properties![name] = { ...rest, anyOf: [allOf[0], { type: 'object', nullable: true, enum: [null] }] };
    }
  }
}

/** The document at /docs-json (and /docs-yaml) and its UI at /docs, naming the server each request reached. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: TITLE,
    patchDocumentOnRequest: (request, _reply, document) => ({ ...document, servers: [{ url: originOf(request as FastifyRequest) }] }),
  });
}

/** The origin a request reached, as the client saw it (a loopback proxy's X-Forwarded-* included). */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
