import SwaggerParser from '@apidevtools/swagger-parser';
import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

describe('the REST face', () => {
  let h: Harness;
  const reader = { 'x-api-key': KEYS.reader };
  const writer = { 'x-api-key': KEYS.writer };

  const rest = async (method: string, path: string, { headers = writer, body }: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> => {
    const response = await fetch(`${h.gateway.url}${path}`, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const expectProblem = (answer: Answer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'about:blank', title: expect.any(String), status, detail: expect.any(String), code });
  };

  beforeAll(async () => {
    h = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV, DOCS_ENABLED: 'true' });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  describe('GET /v1/zones and /v1/image-quotas', () => {
    it('lists zones', async () => {
      const { status, body } = await rest('GET', '/v1/zones', { headers: reader });
      expect(status).toBe(200);
      expect(body).toContainEqual({
        id: 'SIN-E',
        name: 'Singapore E',
        supportsImageCreation: false,
        supportSecurityGroup: true,
        supportIpv6: false,
        supportNetworkType: 'VPC',
      });
    });

    it('lists the quotas of the zones asked for', async () => {
      const { status, body } = await rest('GET', '/v1/image-quotas?zoneIds=FRA-A,HKG-A', { headers: reader });
      expect(status).toBe(200);
      expect(body).toEqual([
        { zoneId: 'FRA-A', count: 2, maxCount: 5, remaining: 3 },
        { zoneId: 'HKG-A', count: 3, maxCount: 5, remaining: 2 },
      ]);
    });

    it('answers 404 for an unknown zone, with the upstream reference', async () => {
      const answer = await rest('GET', '/v1/image-quotas?zoneIds=NOPE-Z', { headers: reader });
      expectProblem(answer, 404, 'NOT_FOUND');
      expect(answer.body.upstream).toMatchObject({ action: 'DescribeImageQuota', code: 'INVALID_ZONE_NOT_FOUND', requestId: expect.any(String) });
    });

    it('answers 400 for a malformed zone id, without calling Zenlayer', async () => {
      const answer = await rest('GET', '/v1/zones?zoneIds=FRA%20A', { headers: reader });
      expectProblem(answer, 400, 'BAD_USER_INPUT');
      expect(answer.body.errors).toEqual([{ field: 'zoneIds', reasons: [expect.stringMatching(/zone id/)] }]);
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('GET /v1/images', () => {
    it('pages and filters', async () => {
      const { status, body } = await rest('GET', '/v1/images?zoneId=FRA-A&type=CUSTOM_IMAGE&page=1&pageSize=1', { headers: reader });
      expect(status).toBe(200);
      expect(body).toMatchObject({ totalCount: 2, page: 1, pageSize: 1, items: [{ type: 'CUSTOM_IMAGE', sizeGb: 40 }] });
    });

    it('lists every bad query parameter', async () => {
      const answer = await rest('GET', '/v1/images?pageSize=5000&page=0&type=OTHER', { headers: reader });
      expectProblem(answer, 400, 'BAD_USER_INPUT');
      expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['page', 'pageSize', 'type']);
    });

    it('gets one image, and 404 when absent', async () => {
      const found = await rest('GET', '/v1/images/img-debian-12', { headers: reader });
      expect(found).toMatchObject({ status: 200, body: { id: 'img-debian-12', type: 'PUBLIC_IMAGE', status: 'AVAILABLE' } });
      expectProblem(await rest('GET', '/v1/images/img-missing', { headers: reader }), 404, 'NOT_FOUND');
    });
  });

  describe('POST /v1/images', () => {
    it('creates an image: 201 with imageId and requestId', async () => {
      const answer = await rest('POST', '/v1/images', { body: { instanceId: 'ins-fra-stopped', name: 'from-rest', description: 'via REST' } });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ imageId: expect.stringMatching(/^img-/), requestId: expect.any(String) });
    });

    it('honours Idempotency-Key: ten concurrent posts, one image, one id', async () => {
      const body = { instanceId: 'ins-tyo-stopped', name: 'rest-idem' };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => rest('POST', '/v1/images', { body, headers: { ...writer, 'idempotency-key': 'rest-key-1' } })),
      );
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
      expect(new Set(answers.map((a) => a.body.imageId)).size).toBe(1);
      expect(h.simulator.callCount('CreateImage')).toBe(1);
      const reused = await rest('POST', '/v1/images', { body: { ...body, name: 'other' }, headers: { ...writer, 'idempotency-key': 'rest-key-1' } });
      expectProblem(reused, 409, 'IDEMPOTENCY_KEY_REUSED');
    });

    it.each([
      ['QUOTA_EXCEEDED', () => h.simulator.setQuota('FRA-A', 2), { instanceId: 'ins-fra-stopped', name: 'full' }, 409],
      ['FAILED_PRECONDITION', () => undefined, { instanceId: 'ins-fra-running', name: 'running' }, 409],
      ['NOT_FOUND', () => undefined, { instanceId: 'ins-nope', name: 'ghost' }, 404],
    ])('answers %s with its status and the upstream reference', async (code, arrange, body, status) => {
      arrange();
      const answer = await rest('POST', '/v1/images', { body });
      expectProblem(answer, status as number, code as string);
      expect(answer.body.upstream).toMatchObject({ action: 'CreateImage', requestId: expect.any(String) });
    });

    it('lists every bad body field, and refuses a malformed Idempotency-Key', async () => {
      const answer = await rest('POST', '/v1/images', { body: { instanceId: '', name: 'bad name!', description: 'x'.repeat(256) } });
      expectProblem(answer, 400, 'BAD_USER_INPUT');
      expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['description', 'instanceId', 'name']);
      const badKey = await rest('POST', '/v1/images', { body: { instanceId: 'ins-fra-stopped', name: 'ok' }, headers: { ...writer, 'idempotency-key': 'has space' } });
      expectProblem(badKey, 400, 'BAD_USER_INPUT');
      expect(h.simulator.callCount()).toBe(0);
    });

    it('answers 400 for malformed JSON, with a request id like every answer', async () => {
      const answer = await rest('POST', '/v1/images', { body: '{"instanceId": ' });
      expectProblem(answer, 400, 'BAD_REQUEST');
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers 429 with Retry-After when Zenlayer keeps throttling', async () => {
      h.simulator.injectFault('CreateImage', { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' }, 3);
      const answer = await rest('POST', '/v1/images', { body: { instanceId: 'ins-fra-stopped', name: 'throttled' } });
      expectProblem(answer, 429, 'RATE_LIMITED');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('answers 503 when Zenlayer fails, 502 when it answers unreadably', async () => {
      h.simulator.injectFault('CreateImage', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 1);
      expectProblem(await rest('POST', '/v1/images', { body: { instanceId: 'ins-fra-stopped', name: 'down' } }), 503, 'UPSTREAM_UNAVAILABLE');
      h.simulator.injectFault('CreateImage', { kind: 'malformed' }, 1);
      expectProblem(await rest('POST', '/v1/images', { body: { instanceId: 'ins-hkg-stopped', name: 'garbled' } }), 502, 'UPSTREAM_ERROR');
    });
  });

  describe('PATCH and DELETE /v1/images', () => {
    it('renames images', async () => {
      const answer = await rest('PATCH', '/v1/images', { body: { ids: ['img-fra-web-01'], name: 'renamed' } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ requestId: expect.any(String), images: [expect.objectContaining({ id: 'img-fra-web-01', name: 'renamed' })] });
    });

    it('refuses a patch that changes nothing, and an unknown id', async () => {
      expectProblem(await rest('PATCH', '/v1/images', { body: { ids: ['img-fra-web-01'] } }), 400, 'BAD_USER_INPUT');
      expectProblem(await rest('PATCH', '/v1/images', { body: { ids: ['img-nope'], name: 'x' } }), 404, 'NOT_FOUND');
    });

    it('deletes an image: 204, then 404', async () => {
      const deleted = await rest('DELETE', '/v1/images/img-fra-db-01');
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expectProblem(await rest('GET', '/v1/images/img-fra-db-01', { headers: reader }), 404, 'NOT_FOUND');
      expectProblem(await rest('DELETE', '/v1/images/img-fra-db-01'), 404, 'NOT_FOUND');
    });
  });

  describe('authentication and scopes', () => {
    it('answers 401 problem+json without credentials', async () => {
      const answer = await rest('GET', '/v1/zones', { headers: {} });
      expectProblem(answer, 401, 'UNAUTHENTICATED');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('answers 403 to a read-only client writing', async () => {
      expectProblem(await rest('DELETE', '/v1/images/img-fra-web-01', { headers: reader }), 403, 'FORBIDDEN');
      expect(h.simulator.callCount()).toBe(0);
    });

    it('answers 404 problem+json for an unknown route', async () => {
      expectProblem(await rest('GET', '/v1/nothing-here', { headers: reader }), 404, 'NOT_FOUND');
    });
  });

  describe('OpenAPI', () => {
    it('documents every route, with security schemes and error responses, as valid OpenAPI 3', async () => {
      const response = await fetch(`${h.gateway.url}/docs-json`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as any;
      await expect(SwaggerParser.validate(JSON.parse(JSON.stringify(document)))).resolves.toMatchObject({ openapi: expect.stringMatching(/^3\./) });
      const routes = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /v1/zones',
          'GET /v1/image-quotas',
          'GET /v1/images',
          'GET /v1/images/{id}',
          'POST /v1/images',
          'PATCH /v1/images',
          'DELETE /v1/images/{id}',
        ]),
      );
      expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
      const post = document.paths['/v1/images'].post;
      expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409', '429', '502', '503', '504']));
      expect(post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
      expect(document.components.schemas.ProblemDetails).toMatchObject({
        type: 'object',
        properties: { type: expect.anything(), title: expect.anything(), status: expect.anything(), detail: expect.anything(), code: expect.anything() },
      });
    });

    it('serves the docs UI and its assets itself', async () => {
      const page = await fetch(`${h.gateway.url}/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const url = new URL(asset, `${h.gateway.url}/docs`);
        expect((await fetch(url)).status).toBe(200);
      }
    });
  });
});

describe('the REST docs in production', () => {
  it('are off unless DOCS_ENABLED is set', async () => {
    const h = await startHarness({ NODE_ENV: 'production', GATEWAY_API_KEYS: API_KEYS_ENV });
    try {
      expect((await fetch(`${h.gateway.url}/docs-json`, { headers: { 'x-api-key': KEYS.reader } })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
