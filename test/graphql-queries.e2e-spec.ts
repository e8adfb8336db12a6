import { Harness, startHarness } from './helpers/harness';

describe('GraphQL queries against the simulator', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.simulator.reset());

  describe('zones', () => {
    it('lists every zone and says where images can be made', async () => {
      const { status, body } = await h.graphql('{ zones { id name supportsImageCreation } }');
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const zones = body.data!.zones as Array<{ id: string; name: string; supportsImageCreation: boolean }>;
      expect(zones).toEqual(
        expect.arrayContaining([
          { id: 'FRA-A', name: 'Frankfurt A', supportsImageCreation: true },
          { id: 'SIN-E', name: 'Singapore E', supportsImageCreation: false },
          { id: 'LAX-A', name: 'Los Angeles A', supportsImageCreation: false },
        ]),
      );
    });

    it('filters by zone ids', async () => {
      const { body } = await h.graphql('{ zones(zoneIds: ["HKG-A"]) { id } }');
      expect(body.data).toEqual({ zones: [{ id: 'HKG-A' }] });
    });

    it('reports an unknown zone as NOT_FOUND with the upstream reference', async () => {
      const { body } = await h.graphql('{ zones(zoneIds: ["XXX-Z"]) { id } }');
      expect(body.errors![0]).toMatchObject({
        path: ['zones'],
        extensions: { code: 'NOT_FOUND', upstream: { action: 'DescribeZones', code: 'INVALID_ZONE_NOT_FOUND', requestId: expect.any(String) } },
      });
    });

    it('nests each zone\'s quota with one DescribeImageQuota for all of them', async () => {
      const { body } = await h.graphql('{ zones { id imageQuota { count maxCount remaining } } }');
      const fra = (body.data!.zones as any[]).find((z) => z.id === 'FRA-A');
      expect(fra.imageQuota).toEqual({ count: 2, maxCount: 5, remaining: 3 });
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(1);
    });
  });

  describe('imageQuotas and imageQuota', () => {
    it('gives counts and the remaining room per zone', async () => {
      const { body } = await h.graphql('{ imageQuotas(zoneIds: ["FRA-A", "HKG-A"]) { zoneId count maxCount remaining } }');
      expect(body.data).toEqual({
        imageQuotas: [
          { zoneId: 'FRA-A', count: 2, maxCount: 5, remaining: 3 },
          { zoneId: 'HKG-A', count: 3, maxCount: 5, remaining: 2 },
        ],
      });
      expect(h.simulator.calls.map((c) => c.body)).toEqual([{ zoneIds: ['FRA-A', 'HKG-A'] }]);
    });

    it('gives every zone when zoneIds is omitted', async () => {
      const { body } = await h.graphql('{ imageQuotas { zoneId } }');
      expect((body.data!.imageQuotas as any[]).map((q) => q.zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E', 'TYO-A']);
    });

    it('reads maxCount from Zenlayer rather than assuming 5', async () => {
      h.simulator.setQuota('TYO-A', 12);
      const { body } = await h.graphql('{ imageQuota(zoneId: "TYO-A") { maxCount remaining } }');
      expect(body.data).toEqual({ imageQuota: { maxCount: 12, remaining: 12 } });
    });

    it('batches aliased imageQuota fields into one upstream call, null for an unknown zone', async () => {
      const { body } = await h.graphql(`{
        a: imageQuota(zoneId: "FRA-A") { zoneId count }
        b: imageQuota(zoneId: "HKG-A") { zoneId count zone { name } }
        c: imageQuota(zoneId: "TYO-A") { zoneId count }
      }`);
      expect(body.data).toEqual({
        a: { zoneId: 'FRA-A', count: 2 },
        b: { zoneId: 'HKG-A', count: 3, zone: { name: 'Hong Kong A' } },
        c: { zoneId: 'TYO-A', count: 0 },
      });
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(1);

      const unknown = await h.graphql('{ a: imageQuota(zoneId: "FRA-A") { count } b: imageQuota(zoneId: "NOPE-Z") { count } }');
      expect(unknown.body).toEqual({ data: { a: { count: 2 }, b: null } });
    });

    it('refuses a malformed zone id before calling Zenlayer', async () => {
      const { body } = await h.graphql('{ imageQuotas(zoneIds: ["FRA A", ""]) { zoneId } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'zoneIds', reasons: [expect.stringMatching(/zone id/)] }] });
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('images and image', () => {
    it('pages through images with totalCount', async () => {
      const first = await h.graphql('{ images(pageSize: 3) { totalCount page pageSize items { id } } }');
      const second = await h.graphql('{ images(page: 2, pageSize: 3) { totalCount page items { id } } }');
      const p1 = first.body.data!.images as any;
      const p2 = second.body.data!.images as any;
      expect(p1).toMatchObject({ totalCount: 9, page: 1, pageSize: 3 });
      expect(p1.items).toHaveLength(3);
      expect(p2).toMatchObject({ totalCount: 9, page: 2 });
      const ids = [...p1.items, ...p2.items].map((i: any) => i.id);
      expect(new Set(ids).size).toBe(6);
      expect(h.simulator.calls.map((c) => c.body)).toContainEqual({ pageNum: 2, pageSize: 3 });
    });

    it('defaults to page 1 of 20', async () => {
      const { body } = await h.graphql('{ images { page pageSize } }');
      expect(body.data).toEqual({ images: { page: 1, pageSize: 20 } });
    });

    it('filters by zone and type and maps wire fields to the schema', async () => {
      const { body } = await h.graphql(`{ images(filter: { zoneId: "FRA-A", type: CUSTOM_IMAGE }) {
        totalCount items { id name type status sizeGb description category osType } } }`);
      const page = body.data!.images as any;
      expect(page.totalCount).toBe(2);
      for (const image of page.items) {
        expect(image).toMatchObject({ type: 'CUSTOM_IMAGE', status: 'AVAILABLE', sizeGb: expect.any(Number) });
      }
      expect(h.simulator.calls[0].body).toMatchObject({ zoneId: 'FRA-A', imageType: 'CUSTOM_IMAGE', pageNum: 1, pageSize: 20 });
    });

    it('finds one image by id, with sizeGb as a number', async () => {
      const { body } = await h.graphql('{ image(id: "img-ubuntu-2204") { id name type status sizeGb category osType version } }');
      expect(body.data!.image).toMatchObject({ id: 'img-ubuntu-2204', type: 'PUBLIC_IMAGE', status: 'AVAILABLE', sizeGb: 20, osType: 'Linux' });
    });

    it('answers null for an image that does not exist', async () => {
      const { body } = await h.graphql('{ image(id: "img-does-not-exist") { id } }');
      expect(body).toEqual({ data: { image: null } });
    });

    it('batches aliased image fields into one DescribeImages', async () => {
      const { body } = await h.graphql(`{
        a: image(id: "img-fra-web-01") { name }
        b: image(id: "img-hkg-app-01") { name }
        c: image(id: "img-missing") { name }
      }`);
      expect(body.data).toMatchObject({ a: { name: expect.any(String) }, b: { name: expect.any(String) }, c: null });
      expect(h.simulator.callCount('DescribeImages')).toBe(1);
      expect(h.simulator.calls[0].body).toMatchObject({ imageIds: ['img-fra-web-01', 'img-hkg-app-01', 'img-missing'] });
    });

    it.each([
      ['pageSize 0', '{ images(pageSize: 0) { totalCount } }', 'pageSize'],
      ['pageSize 1001', '{ images(pageSize: 1001) { totalCount } }', 'pageSize'],
      ['page 0', '{ images(page: 0) { totalCount } }', 'page'],
      ['an empty ids filter', '{ images(filter: { ids: [] }) { totalCount } }', 'filter.ids'],
      ['an over-long name filter', `{ images(filter: { name: "${'x'.repeat(129)}" }) { totalCount } }`, 'filter.name'],
      ['a page past the bound', '{ images(page: 1000001) { totalCount } }', 'page'],
    ])('refuses %s with BAD_USER_INPUT and no upstream call', async (_why, query, field) => {
      const { body } = await h.graphql(query);
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field })] });
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('the HTTP envelope', () => {
    it('returns a request id, the client\'s own when given', async () => {
      const own = await fetch(`${h.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'frontend-req-42' },
        body: JSON.stringify({ query: '{ zones { id } }' }),
      });
      expect(own.headers.get('x-request-id')).toBe('frontend-req-42');
      const generated = await h.graphql('{ zones { id } }');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers health and readiness', async () => {
      expect((await fetch(`${h.gateway.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${h.gateway.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok' });
    });
  });
});

describe('a gateway whose AccessKey Zenlayer refuses', () => {
  const wrongPassword = 'wrong-password-do-not-show';
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ ZENLAYER_ACCESS_KEY_PASSWORD: wrongPassword });
  });
  afterAll(() => h.close());

  it('answers UPSTREAM_ERROR that points at the operator, and never shows the password', async () => {
    const { body } = await h.graphql('{ zones { id } }');
    expect(body.errors![0]).toMatchObject({
      message: expect.stringMatching(/operator/),
      extensions: { code: 'UPSTREAM_ERROR', upstream: { action: 'DescribeZones', code: 'AUTHFAILURE_SIGNATURE_FAILURE' } },
    });
    expect(JSON.stringify(body)).not.toContain(wrongPassword);
  });
});
