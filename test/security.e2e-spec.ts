import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { PATH_METADATA } from '@nestjs/common/constants';
import { GraphQLSchema } from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { INTROSPECTION_DISABLED_MESSAGE } from '../src/common/errors';
import { PUBLIC_KEY, SCOPES_KEY } from '../src/auth/scopes';
import { CLIENT_AUTH_ENV, hsToken, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';

const PRODUCTION = {
  NODE_ENV: 'production',
  ...CLIENT_AUTH_ENV,
  RATE_LIMIT_PER_MINUTE: '0',
};

const post = (h: Harness, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${h.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('security in production mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(PRODUCTION);
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  describe('client authentication', () => {
    it('answers 401 UNAUTHENTICATED without credentials, before any upstream call', async () => {
      const response = await post(h, { query: '{ zones { id } }' });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ message: expect.stringMatching(/x-api-key|Bearer/), extensions: { code: 'UNAUTHENTICATED' } }] } as unknown);
      expect(h.simulator.callCount()).toBe(0);
    });

    it.each([
      ['a wrong x-api-key', { 'x-api-key': 'not-a-key-at-all-0000' }],
      ['a wrong bearer key', { authorization: 'Bearer not-a-key-at-all-0000' }],
      ['a malformed authorization header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ])('answers 401 for %s', async (_why, headers) => {
      const response = await post(h, { query: '{ zones { id } }' }, headers);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it.each([
      ['x-api-key', { 'x-api-key': KEYS.reader }],
      ['Authorization: Bearer', { authorization: `Bearer ${KEYS.reader}` }],
      ['a key configured as SHA-256', { 'x-api-key': KEYS.hashed }],
    ])('lets a read client query with %s', async (_how, headers) => {
      const { body, status } = await h.graphql('{ zones { id } }', undefined, headers);
      expect(status).toBe(200);
      expect(body.data!.zones).toHaveLength(5);
    });

    it('gives a read-only client FORBIDDEN on a mutation, with no upstream call', async () => {
      const { body } = await h.graphql('mutation { deleteImages(ids: ["img-fra-web-01"]) { deletedIds } }', undefined, { 'x-api-key': KEYS.reader });
      expect(body.errors![0]).toMatchObject({ path: ['deleteImages'], extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/images:write/) });
      expect(h.simulator.callCount('DeleteImages')).toBe(0);
    });

    it('lets a write client create an image', async () => {
      const { body } = await h.graphql('mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "from-writer" }) { imageId } }', undefined, {
        'x-api-key': KEYS.writer,
      });
      expect(body.errors).toBeUndefined();
      expect(body.data!.createImage.imageId).toMatch(/^img-/);
    });
  });

  describe('JWTs (HS256)', () => {
    it('lets a token with images:read query', async () => {
      const { status, body } = await h.graphql('{ zones { id } }', undefined, { authorization: `Bearer ${await hsToken()}` });
      expect(status).toBe(200);
      expect(body.data!.zones).toHaveLength(5);
    });

    it('takes scopes from the scope claim', async () => {
      const readOnly = await hsToken({ scope: 'images:read' });
      const denied = await h.graphql('mutation { deleteImages(ids: ["img-fra-web-01"]) { deletedIds } }', undefined, { authorization: `Bearer ${readOnly}` });
      expect(denied.body.errors![0].extensions!.code).toBe('FORBIDDEN');
      const noScope = await hsToken({ scope: '' });
      const none = await h.graphql('{ zones { id } }', undefined, { authorization: `Bearer ${noScope}` });
      expect(none.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    });

    it.each([
      ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 60 }, /expired/],
      ['not yet valid', { notBefore: Math.floor(Date.now() / 1000) + 600 }, /nbf/],
      ['from another issuer', { issuer: 'https://evil.example.com' }, /iss/],
      ['for another audience', { audience: 'another-api' }, /aud/],
      ['signed with another secret', { secret: 'another-secret-another-secret-another-secret' }, /signature/],
    ])('refuses a token %s with 401', async (_why, options, reason) => {
      const token = await hsToken(options);
      const response = await post(h, { query: '{ zones { id } }' }, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      const body = (await response.json()) as any;
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(reason) });
      expect(JSON.stringify(body)).not.toContain(token);
    });
  });

  describe('hardened GraphQL', () => {
    const reader = { 'x-api-key': KEYS.reader };

    const expectRefused = async (response: Response, limit: string) => {
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      expect(body.errors[0].message).toMatch(new RegExp(limit));
      expect(h.simulator.callCount()).toBe(0);
    };

    it('refuses a 12-level query, naming the depth limit', async () => {
      const nested = 'zones { imageQuota { zone { imageQuota { zone { imageQuota { zone { imageQuota { zone { imageQuota { zone { imageQuota { zoneId } } } } } } } } } } } }';
      await expectRefused(await post(h, { query: `{ ${nested} }` }, reader), 'depth');
    });

    it('refuses a 1000-alias query', async () => {
      const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: zones { id }`).join(' ')} }`;
      await expectRefused(await post(h, { query }, reader), 'GRAPHQL_MAX_DOCUMENT_BYTES|[Aa]lias');
    });

    it('refuses more aliases than allowed in a small document', async () => {
      const query = `{ ${Array.from({ length: 101 }, (_, i) => `a${i}:image(id:"x"){id}`).join(' ')} }`;
      expect(query.length).toBeLessThan(32768);
      await expectRefused(await post(h, { query }, reader), '[Aa]lias');
    });

    it('refuses an operation whose cost is over the limit, naming it', async () => {
      // Each list of (up to 25) zones multiplies the upstream-backed fields nested in it.
      const nested = 'zones { imageQuota { zone { imageQuota { zone { imageQuota { zone { id } } } } } } }';
      const query = `{ a: ${nested} b: ${nested} c: ${nested} d: ${nested} }`;
      await expectRefused(await post(h, { query }, reader), 'costs \\d+; the most allowed is 5000 \\(GRAPHQL_MAX_COST\\)');
    });

    it('counts the zones asked for: the same nesting over two zones is cheap enough', async () => {
      const nested = 'zones(zoneIds: ["FRA-A", "HKG-A"]) { imageQuota { zone { imageQuota { zone { imageQuota { zone { id } } } } } } }';
      const response = await post(h, { query: `{ a: ${nested} b: ${nested} c: ${nested} d: ${nested} }` }, reader);
      expect(response.status).toBe(200);
    });

    it('costs the same document anew for other variables', async () => {
      // One document text, so Apollo hands over the same parsed document: its cost still depends on $zones.
      const nested = 'zones(zoneIds: $zones) { imageQuota { zone { imageQuota { zone { imageQuota { zone { id } } } } } } }';
      const query = `query Nested($zones: [String!]) { a: ${nested} b: ${nested} c: ${nested} d: ${nested} }`;
      const twoZones = { query, variables: { zones: ['FRA-A', 'HKG-A'] } };
      expect((await post(h, twoZones, reader)).status).toBe(200);
      h.simulator.resetCalls();
      await expectRefused(await post(h, { query, variables: {} }, reader), 'costs \\d+; the most allowed is 5000 \\(GRAPHQL_MAX_COST\\)');
      expect((await post(h, twoZones, reader)).status).toBe(200);
      h.simulator.resetCalls();
      await expectRefused(await post(h, { query, variables: { zones: null } }, reader), 'GRAPHQL_MAX_COST');
    });

    it('lets a 1000-image page through: its items cost no further upstream calls', async () => {
      const response = await post(h, { query: '{ images(pageSize: 1000) { items { id name status } } }' }, reader);
      expect(response.status).toBe(200);
    });

    it('refuses a document over the size limit', async () => {
      const query = `{ zones { id } } # ${'x'.repeat(40000)}`;
      await expectRefused(await post(h, { query }, reader), 'GRAPHQL_MAX_DOCUMENT_BYTES');
    });

    it('accepts a small batch and refuses a large one', async () => {
      const ok = await post(h, [{ query: '{ zones { id } }' }, { query: '{ imageQuotas { zoneId } }' }], reader);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toHaveLength(2);
      h.simulator.resetCalls();
      await expectRefused(await post(h, Array.from({ length: 6 }, () => ({ query: '{ zones { id } }' })), reader), 'GRAPHQL_MAX_BATCH');
    });

    it('refuses introspection in production, naming the variable that turns it on', async () => {
      const response = await post(h, { query: '{ __schema { types { name } } }' }, reader);
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      // One error per entry point, in the gateway's terms: not Apollo's "pass introspection: true to ApolloServer".
      expect(body.errors).toEqual([expect.objectContaining({ message: INTROSPECTION_DISABLED_MESSAGE, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
      expect(body.errors[0].message).toContain('GRAPHQL_INTROSPECTION=true');
      expect(JSON.stringify(body)).not.toMatch(/ApolloServer|introspection: true/);
      const byType = (await (await post(h, { query: '{ __type(name: "Image") { name } }' }, reader)).json()) as any;
      expect(byType.errors.map((e: any) => e.message)).toEqual([INTROSPECTION_DISABLED_MESSAGE]);
    });

    it('refuses a GET query without a CSRF preflight header, and accepts it with one', async () => {
      const url = `${h.gateway.url}/graphql?query=${encodeURIComponent('{ zones { id } }')}`;
      const simple = await fetch(url, { headers: reader });
      expect(simple.status).toBe(400);
      const preflighted = await fetch(url, { headers: { ...reader, 'apollo-require-preflight': 'true' } });
      expect(preflighted.status).toBe(200);
    });

    it('refuses a JSON body over the size limit with 413', async () => {
      const response = await post(h, { query: '{ zones { id } }', variables: { pad: 'x'.repeat(300_000) } }, reader);
      expect(response.status).toBe(413);
    });

    it('sends security headers', async () => {
      const response = await post(h, { query: '{ zones { id } }' }, reader);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age/);
      expect(response.headers.get('x-powered-by')).toBeNull();
    });

    it('sends no CORS headers to an origin that is not allowed', async () => {
      const response = await fetch(`${h.gateway.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('deny by default', () => {
    const providers = (kind: 'providers' | 'controllers') =>
      [...h.gateway.app.get(ModulesContainer).values()].flatMap((module) => [...module[kind].values()]);

    it('gives every query, mutation, subscription and field resolver a scope', () => {
      const scanner = new MetadataScanner();
      const resolvers: string[] = [];
      const unscoped: string[] = [];
      for (const wrapper of providers('providers')) {
        const instance = wrapper.instance as object | undefined;
        if (!instance || typeof instance !== 'object') continue;
        const prototype = Object.getPrototypeOf(instance);
        for (const name of scanner.getAllMethodNames(prototype)) {
          const method = prototype[name];
          if (!Reflect.getMetadata(RESOLVER_TYPE_METADATA, method) && !Reflect.getMetadata('graphql:resolve_property', method)) continue;
          resolvers.push(`${prototype.constructor.name}.${name}`);
          const scopes = Reflect.getMetadata(SCOPES_KEY, method) ?? Reflect.getMetadata(SCOPES_KEY, prototype.constructor);
          if (!scopes?.length) unscoped.push(`${prototype.constructor.name}.${name}`);
        }
      }
      const schema = h.gateway.app.get(GraphQLSchemaHost).schema as GraphQLSchema;
      const rootFields = ['Query', 'Mutation', 'Subscription'].flatMap((type) => Object.keys(schema.getType(type) ? (schema.getType(type) as any).getFields() : {}));
      expect(resolvers.length).toBeGreaterThanOrEqual(rootFields.length);
      expect(unscoped).toEqual([]);
    });

    it('gives every REST route a scope or marks it public', () => {
      const scanner = new MetadataScanner();
      const unscoped: string[] = [];
      let routes = 0;
      for (const wrapper of providers('controllers')) {
        const prototype = Object.getPrototypeOf(wrapper.instance);
        for (const name of scanner.getAllMethodNames(prototype)) {
          if (Reflect.getMetadata(PATH_METADATA, prototype[name]) === undefined) continue;
          routes += 1;
          const declared = [SCOPES_KEY, PUBLIC_KEY].some(
            (key) => Reflect.getMetadata(key, prototype[name]) ?? Reflect.getMetadata(key, prototype.constructor),
          );
          if (!declared) unscoped.push(`${prototype.constructor.name}.${name}`);
        }
      }
      expect(routes).toBeGreaterThan(0);
      expect(unscoped).toEqual([]);
    });
  });
});

describe('per-client rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...PRODUCTION, RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => h.close());

  it('answers RATE_LIMITED with Retry-After past the limit, per client', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await post(h, { query: '{ zones { id } }' }, { 'x-api-key': KEYS.reader })).status).toBe(200);
    }
    const limited = await post(h, { query: '{ zones { id } }' }, { 'x-api-key': KEYS.reader });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'RATE_LIMITED', retryAfter } }] });

    const other = await post(h, { query: '{ zones { id } }' }, { 'x-api-key': KEYS.writer });
    expect(other.status).toBe(200);
  });
});

describe('CORS allowlist', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...PRODUCTION, CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(() => h.close());

  it('allows only the listed origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${h.gateway.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    // Answered by CORS before authentication: a browser's preflight carries no credentials.
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await preflight('https://other.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('introspection turned on in production by GRAPHQL_INTROSPECTION', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true' });
  });
  afterAll(() => h.close());

  it('answers an introspection query from an authenticated client', async () => {
    const { body } = await h.graphql('{ __schema { queryType { name } } }', undefined, { 'x-api-key': KEYS.reader });
    expect(body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});
