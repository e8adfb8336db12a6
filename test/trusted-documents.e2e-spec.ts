import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';

const ZONES = 'query Zones { zones { id } }';
const QUOTA = 'query Quota($z: String!) { imageQuota(zoneId: $z) { remaining } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const reader = { 'x-api-key': KEYS.reader };

const dir = mkdtempSync(join(tmpdir(), 'trusted-'));
/** As GraphQL Code Generator's client preset writes persisted-documents.json. */
const codegenManifest = join(dir, 'persisted-documents.json');
writeFileSync(codegenManifest, JSON.stringify({ [sha256(ZONES)]: ZONES }));
/** As @apollo/generate-persisted-query-manifest writes it. */
const apolloManifest = join(dir, 'persisted-query-manifest.json');
writeFileSync(
  apolloManifest,
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'quota-v1', name: 'Quota', type: 'query', body: QUOTA }] }),
);

describe.each([
  ['GraphQL Code Generator', codegenManifest],
  ['Apollo persisted query list', apolloManifest],
])('trusted-documents mode (%s manifest)', (_format, manifest) => {
  let h: Harness;
  const registered =
    manifest === codegenManifest
      ? { id: sha256(ZONES), query: ZONES, variables: {}, data: { zones: ['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E', 'TYO-A'].map((id) => ({ id })) } }
      : { id: 'quota-v1', query: QUOTA, variables: { z: 'FRA-A' }, data: { imageQuota: { remaining: 3 } } };

  const post = async (body: unknown) => {
    const response = await fetch(`${h.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...reader }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> } };
  };

  beforeAll(async () => {
    h = await startHarness({ NODE_ENV: 'production', GATEWAY_API_KEYS: API_KEYS_ENV, RATE_LIMIT_PER_MINUTE: '0', GRAPHQL_TRUSTED_DOCUMENTS: manifest });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it('runs a registered operation sent by id (documentId)', async () => {
    const { status, body } = await post({ documentId: registered.id, variables: registered.variables });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(registered.data);
  });

  it("runs a registered operation sent by Apollo Client's persisted-query hash", async () => {
    const { body } = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: registered.id } }, variables: registered.variables });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(registered.data);
  });

  it('runs a registered operation sent as full text', async () => {
    const { body } = await post({ query: registered.query, variables: registered.variables });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(registered.data);
  });

  it('runs a registered operation by id over GET', async () => {
    const search = new URLSearchParams({ documentId: registered.id, variables: JSON.stringify(registered.variables) });
    const response = await fetch(`${h.gateway.url}/graphql?${search}`, { headers: { ...reader, 'apollo-require-preflight': 'true' } });
    const body = (await response.json()) as { errors?: unknown; data?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(registered.data);
  });

  it('refuses an unknown id with PERSISTED_QUERY_NOT_FOUND and no upstream call', async () => {
    const { status, body } = await post({ documentId: sha256('{ images { totalCount } }') });
    expect(status).toBe(400);
    expect(body.errors![0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(h.simulator.callCount()).toBe(0);
  });

  it('refuses unregistered text, introspection included, with OPERATION_NOT_ALLOWED', async () => {
    for (const query of ['{ images { totalCount } }', '{ __schema { types { name } } }', `${registered.query} `]) {
      const { status, body } = await post({ query });
      expect(status).toBe(400);
      expect(body.errors![0].extensions.code).toBe('OPERATION_NOT_ALLOWED');
    }
    expect(h.simulator.callCount()).toBe(0);
  });

  it('refuses an id sent with a different text', async () => {
    const { body } = await post({ documentId: registered.id, query: '{ images { totalCount } }' });
    expect(body.errors![0].extensions.code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('checks every operation of a batch', async () => {
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...reader },
      body: JSON.stringify([{ documentId: registered.id, variables: registered.variables }, { query: '{ zones { name } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringContaining('not registered'), extensions: { code: 'OPERATION_NOT_ALLOWED' } }] });
    expect(h.simulator.callCount()).toBe(0);
  });
});

describe('trusted-documents mode with the request limits', () => {
  // A registered document over GRAPHQL_MAX_DOCUMENT_BYTES: the limits measure the registered
  // text, whether it is asked for by POST or by GET.
  const LONG = `query Long { zones { id name supportsImageCreation supportSecurityGroup supportIpv6 supportNetworkType } }`;
  const manifest = join(dir, 'long.json');
  writeFileSync(manifest, JSON.stringify({ [sha256(LONG)]: LONG }));
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV, GRAPHQL_TRUSTED_DOCUMENTS: manifest, GRAPHQL_MAX_DOCUMENT_BYTES: '100' });
  });
  afterAll(() => h.close());

  it.each([
    ['POST', () => fetch(`${h.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...reader }, body: JSON.stringify({ documentId: sha256(LONG) }) })],
    ['GET', () => fetch(`${h.gateway.url}/graphql?${new URLSearchParams({ documentId: sha256(LONG) })}`, { headers: { ...reader, 'apollo-require-preflight': 'true' } })],
  ])('measures the registered text of an operation asked for by id over %s', async (_method, send) => {
    const response = await send();
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: `The document is ${Buffer.byteLength(LONG)} bytes; the most allowed is 100 (GRAPHQL_MAX_DOCUMENT_BYTES)`, extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(h.simulator.callCount()).toBe(0);
  });
});

describe('the trusted-documents setting', () => {
  const base = { NODE_ENV: 'test', ZENLAYER_ACCESS_KEY_ID: 'id', ZENLAYER_ACCESS_KEY_PASSWORD: 'password' };

  it.each([
    ['a missing file', join(dir, 'absent.json'), /cannot read/],
    ['a file that is not JSON', (() => (writeFileSync(join(dir, 'bad.json'), 'not json'), join(dir, 'bad.json')))(), /cannot read/],
    ['an empty manifest', (() => (writeFileSync(join(dir, 'empty.json'), '{}'), join(dir, 'empty.json')))(), /lists no operation/],
  ])('refuses to start with %s, naming the variable', (_case, path, reason) => {
    let error: unknown;
    try {
      loadConfig({ ...base, GRAPHQL_TRUSTED_DOCUMENTS: path });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.get('GRAPHQL_TRUSTED_DOCUMENTS')?.join()).toMatch(reason);
  });
});
