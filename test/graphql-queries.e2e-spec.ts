import { Harness, startHarness, sent } from './helpers/harness';

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
    it('lists the custom images of every zone without a zone, each with its zone, paging stably across zones', async () => {
      const pages = [];
      const zoneLists: number[] = [];
      for (const page of [1, 2, 3]) {
        h.simulator.resetCalls();
        const { body } = await h.graphql(`{ images(page: ${page}, pageSize: 2) { totalCount page items { id type zoneId } } }`);
        expect(body.errors).toBeUndefined();
        pages.push(body.data!.images as any);
        // One DescribeImages per zone, each naming its zone, after the zone list.
        const looks = h.simulator.calls.filter((c) => c.action === 'DescribeImages');
        expect(looks.map((c) => sent(c).zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E', 'TYO-A']);
        for (const look of looks) expect(look.body).toMatchObject({ imageType: 'CUSTOM_IMAGE' });
        zoneLists.push(h.simulator.callCount('DescribeZones'));
      }
      // Caches are off here: the first page also reads the zone list for the upstream-call limit, which keeps its count a minute.
      expect(zoneLists).toEqual([2, 1, 1]);
      expect(pages.map((p) => p.totalCount)).toEqual([5, 5, 5]);
      expect(pages.flatMap((p) => p.items)).toEqual([
        { id: 'img-fra-web-01', type: 'CUSTOM_IMAGE', zoneId: 'FRA-A' },
        { id: 'img-fra-db-01', type: 'CUSTOM_IMAGE', zoneId: 'FRA-A' },
        { id: 'img-hkg-app-01', type: 'CUSTOM_IMAGE', zoneId: 'HKG-A' },
        { id: 'img-hkg-app-02', type: 'CUSTOM_IMAGE', zoneId: 'HKG-A' },
        { id: 'img-hkg-cache-01', type: 'CUSTOM_IMAGE', zoneId: 'HKG-A' },
      ]);
    });

    it("pages one zone's images as Zenlayer pages them, public images with the zone they were listed in", async () => {
      const first = await h.graphql('{ images(filter: { zoneId: "FRA-A" }, pageSize: 4) { totalCount items { id type zoneId } } }');
      const second = await h.graphql('{ images(filter: { zoneId: "FRA-A" }, page: 2, pageSize: 4) { totalCount items { id type zoneId } } }');
      const items = [...(first.body.data!.images as any).items, ...(second.body.data!.images as any).items];
      expect((first.body.data!.images as any).totalCount).toBe(6);
      expect(new Set(items.map((i: any) => i.id)).size).toBe(6);
      expect(items.every((i: any) => i.zoneId === 'FRA-A')).toBe(true);
      expect(items.filter((i: any) => i.type === 'PUBLIC_IMAGE')).toHaveLength(4);
      expect(h.simulator.calls.map((c) => c.body)).toContainEqual({ zoneId: 'FRA-A', pageNum: 2, pageSize: 4 });
    });

    it('refuses public images without a zone, naming zoneId, before calling Zenlayer', async () => {
      const { body } = await h.graphql('{ images(filter: { type: PUBLIC_IMAGE }) { totalCount } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'zoneId', reasons: [expect.stringMatching(/required when listing public images/)] }] });
      expect(h.simulator.callCount()).toBe(0);
    });

    it('takes the osType filter in either case, and category values Zenlayer added', async () => {
      for (const osType of ['Linux', 'linux', 'LINUX']) {
        const { body } = await h.graphql(`{ images(filter: { zoneId: "TYO-A", osType: "${osType}" }) { items { id osType } } }`);
        expect((body.data!.images as any).items.map((i: any) => i.id).sort()).toEqual(['img-centos-79', 'img-debian-12', 'img-ubuntu-2204']);
        expect((body.data!.images as any).items.every((i: any) => i.osType === 'linux')).toBe(true);
      }
      const rocky = await h.graphql('{ images(filter: { zoneId: "TYO-A", category: "Rocky" }) { totalCount } }');
      expect(rocky.body).toEqual({ data: { images: { totalCount: 0 } } });
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
      expect(body.data!.image).toMatchObject({ id: 'img-ubuntu-2204', type: 'PUBLIC_IMAGE', status: 'AVAILABLE', sizeGb: 20, osType: 'linux' });
    });

    it('answers null for an image that does not exist', async () => {
      const { body } = await h.graphql('{ image(id: "img-does-not-exist") { id } }');
      expect(body).toEqual({ data: { image: null } });
    });

    it('batches aliased image fields into one DescribeImages per zone they are in', async () => {
      // The listing across zones teaches the gateway where each custom image is.
      await h.graphql('{ images { totalCount } }');
      h.simulator.resetCalls();
      const { body } = await h.graphql(`{
        a: image(id: "img-fra-web-01") { name zoneId }
        b: image(id: "img-fra-db-01") { name zoneId }
        c: image(id: "img-hkg-app-01") { name zoneId }
      }`);
      expect(body.data).toEqual({
        a: { name: 'fra-web-01', zoneId: 'FRA-A' },
        b: { name: 'fra-db-01', zoneId: 'FRA-A' },
        c: { name: 'hkg-app-01', zoneId: 'HKG-A' },
      });
      const looks = h.simulator.calls.map((c) => [c.action, sent(c).zoneId, sent(c).imageIds]);
      expect(looks.sort()).toEqual([
        ['DescribeImages', 'FRA-A', ['img-fra-web-01', 'img-fra-db-01']],
        ['DescribeImages', 'HKG-A', ['img-hkg-app-01']],
      ]);
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

describe('a gateway that has seen no image yet', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.simulator.resetCalls());

  it('looks for an image of no known zone zone by zone, stopping once found, and remembers its zone', async () => {
    const first = await h.graphql('{ image(id: "img-hkg-app-01") { id zoneId } }');
    expect(first.body).toEqual({ data: { image: { id: 'img-hkg-app-01', zoneId: 'HKG-A' } } });
    // FRA-A, HKG-A, LAX-A and SIN-E at once; TYO-A is not asked once the image is found.
    expect(h.simulator.calls.filter((c) => c.action === 'DescribeImages').map((c) => sent(c).zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E']);
    h.simulator.resetCalls();
    const again = await h.graphql('{ image(id: "img-hkg-app-01") { id zoneId } }');
    expect(again.body).toEqual(first.body);
    expect(h.simulator.calls).toEqual([expect.objectContaining({ action: 'DescribeImages', body: expect.objectContaining({ zoneId: 'HKG-A', imageIds: ['img-hkg-app-01'] }) })]);
  });

  it('answers null for an id no zone has, after asking each zone once', async () => {
    const { body } = await h.graphql('{ a: image(id: "img-missing") { name } b: image(id: "img-missing-2") { name } }');
    expect(body).toEqual({ data: { a: null, b: null } });
    const looks = h.simulator.calls.filter((c) => c.action === 'DescribeImages');
    expect(looks.map((c) => sent(c).zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E', 'TYO-A']);
    for (const look of looks) expect(sent(look).imageIds).toEqual(['img-missing', 'img-missing-2']);
  });
});

describe('the upstream-call limit of a listing across zones', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ GRAPHQL_MAX_UPSTREAM_CALLS: '5' });
  });
  afterAll(() => h.close());

  it("counts one call per zone of the account: refused over the limit before any listing, one zone's listing let through", async () => {
    const { body } = await h.graphql('{ images(filter: { type: CUSTOM_IMAGE }) { totalCount } }');
    expect(body.errors![0]).toMatchObject({
      message: expect.stringMatching(/6 upstream calls.*5 of them across the account's 5 zones.*the most allowed is 5 \(GRAPHQL_MAX_UPSTREAM_CALLS\)/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    // Only the zone list was read, to count the zones.
    expect(h.simulator.calls.map((c) => c.action)).toEqual(['DescribeZones']);
    const zone = await h.graphql('{ images(filter: { zoneId: "FRA-A", type: CUSTOM_IMAGE }) { totalCount } }');
    expect(zone.body).toEqual({ data: { images: { totalCount: 2 } } });
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
