/**
 * Which instances use an image: `Image.instances` (GraphQL) and `GET /v1/images/{id}/instances`
 * (REST), both backed by DescribeInstances filtered by `imageId`, compared with what the
 * simulator holds.
 */
import { CLIENT_AUTH_ENV, KEYS } from './helpers/clients';
import { Harness, sent, startHarness } from './helpers/harness';

const picker = { 'x-api-key': KEYS.picker };
const reader = { 'x-api-key': KEYS.reader };

interface Listed {
  id: string;
  name: string | null;
  zoneId: string;
  status: string;
  sourceImage: { id: string; name: string | null } | null;
}

const INSTANCE = 'id name zoneId status sourceImage { id name }';

describe('Image.instances and GET /v1/images/{id}/instances', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ NODE_ENV: 'production', ...CLIENT_AUTH_ENV, RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    // Instances made from a custom image (the case a delete confirmation is for), and from a public image in another zone.
    h.simulator.addInstance('ins-fra-web-2', 'FRA-A', 'RUNNING', 'img-fra-web-01');
    h.simulator.addInstance('ins-fra-web-3', 'FRA-A', 'STOPPED', 'img-fra-web-01');
    h.simulator.addInstance('ins-tyo-win', 'TYO-A', 'STOPPED', 'img-win-2022');
    h.simulator.resetCalls();
  });

  /** What the simulator holds for `imageId`, straight from its state, as the gateway shows an instance. */
  const expected = (imageId: string): Listed[] =>
    h.simulator.instances
      .filter((record) => record.imageId === imageId)
      .map((record) => ({ id: record.instanceId, name: record.instanceName, zoneId: record.zoneId, status: record.status, sourceImage: { id: record.imageId, name: record.imageName } }));
  const describeInstances = () => h.simulator.calls.filter((call) => call.action === 'DescribeInstances').map(sent);
  const rest = (path: string, headers: Record<string, string> = picker) => fetch(`${h.gateway.url}${path}`, { headers });

  describe('over GraphQL', () => {
    it("lists, for every image of a zone (public and custom), the simulator's instances made from it: one DescribeInstances per image", async () => {
      const { body } = await h.graphql(
        `{ images(filter: { zoneId: "FRA-A" }, pageSize: 10) { items { id instances { totalCount page pageSize items { ${INSTANCE} } } } } }`,
        undefined,
        picker,
      );
      expect(body.errors).toBeUndefined();
      const images: Array<{ id: string; instances: { totalCount: number; page: number; pageSize: number; items: Listed[] } }> = body.data.images.items;
      expect(images.map((image) => image.id)).toEqual(['img-ubuntu-2204', 'img-debian-12', 'img-centos-79', 'img-win-2022', 'img-fra-web-01', 'img-fra-db-01']);
      for (const image of images) {
        expect(image.instances).toEqual({ totalCount: expected(image.id).length, page: 1, pageSize: 20, items: expected(image.id) });
      }
      // Not vacuous: instances in several zones, of public and custom images, and an image with none.
      expect(images.find((image) => image.id === 'img-ubuntu-2204')!.instances.items.map((i) => i.zoneId)).toEqual(['FRA-A', 'FRA-A', 'SIN-E']);
      expect(images.find((image) => image.id === 'img-win-2022')!.instances.items.map((i) => i.id)).toEqual(['ins-lax-stopped', 'ins-tyo-win']);
      expect(images.find((image) => image.id === 'img-fra-web-01')!.instances.items.map((i) => i.id)).toEqual(['ins-fra-web-2', 'ins-fra-web-3']);
      expect(images.find((image) => image.id === 'img-fra-db-01')!.instances).toMatchObject({ totalCount: 0, items: [] });

      const calls = describeInstances();
      expect(calls.map((call) => call.imageId).sort()).toEqual(images.map((image) => image.id).sort());
      for (const call of calls) expect(call).toEqual({ imageId: call.imageId, pageNum: 1, pageSize: 20 });
      expect(h.simulator.callCount('DescribeImages')).toBe(1);
    });

    it('shares one DescribeInstances per image and page across the fields of one operation, and batches several images', async () => {
      const { body } = await h.graphql(
        `{
          a: image(id: "img-ubuntu-2204") { id instances { totalCount items { id } } }
          b: image(id: "img-fra-web-01") { id name instances { totalCount items { id status } } }
          c: image(id: "img-ubuntu-2204") { instances { totalCount } }
          d: image(id: "img-centos-79") { instances(page: 1, pageSize: 20) { totalCount } }
          e: image(id: "img-ubuntu-2204") { instances(page: 2, pageSize: 2) { totalCount page items { id } } }
        }`,
        undefined,
        picker,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({
        a: { id: 'img-ubuntu-2204', instances: { totalCount: 3, items: expected('img-ubuntu-2204').map(({ id }) => ({ id })) } },
        b: { id: 'img-fra-web-01', name: 'fra-web-01', instances: { totalCount: 2, items: [{ id: 'ins-fra-web-2', status: 'RUNNING' }, { id: 'ins-fra-web-3', status: 'STOPPED' }] } },
        c: { instances: { totalCount: 3 } },
        d: { instances: { totalCount: 2 } },
        e: { instances: { totalCount: 3, page: 2, items: [{ id: 'ins-sin-stopped' }] } },
      });
      // a and c (and d's defaults spelled out) share a call; e is another page of the same image.
      const calls = describeInstances();
      expect(calls.map((call) => `${call.imageId} ${call.pageNum}/${call.pageSize}`).sort()).toEqual([
        'img-centos-79 1/20',
        'img-fra-web-01 1/20',
        'img-ubuntu-2204 1/20',
        'img-ubuntu-2204 2/2',
      ]);
    });

    it('sends the calls of one batch together, not one after another', async () => {
      h.simulator.injectFault('DescribeInstances', { kind: 'latency', ms: 300 }, 3);
      const started = Date.now();
      const { body } = await h.graphql(
        '{ a: image(id: "img-ubuntu-2204") { instances { totalCount } } b: image(id: "img-centos-79") { instances { totalCount } } c: image(id: "img-debian-12") { instances { totalCount } } }',
        undefined,
        picker,
      );
      expect(body).toEqual({ data: { a: { instances: { totalCount: 3 } }, b: { instances: { totalCount: 2 } }, c: { instances: { totalCount: 2 } } } });
      expect(Date.now() - started).toBeLessThan(900);
    });

    it('gives a client without instances:read FORBIDDEN on the field alone: the images and their other fields still answer, with no DescribeInstances', async () => {
      const { body } = await h.graphql(
        '{ image(id: "img-fra-web-01") { id name instances { totalCount } } images(filter: { zoneId: "HKG-A", type: CUSTOM_IMAGE }, pageSize: 5) { totalCount items { id instances { totalCount } } } }',
        undefined,
        reader,
      );
      expect(body.errors?.filter((error) => error.extensions?.code !== 'FORBIDDEN')).toEqual([]);
      expect(body.data).toEqual({
        image: { id: 'img-fra-web-01', name: 'fra-web-01', instances: null },
        images: { totalCount: 3, items: [{ id: 'img-hkg-app-01', instances: null }, { id: 'img-hkg-app-02', instances: null }, { id: 'img-hkg-cache-01', instances: null }] },
      });
      expect(body.errors).toHaveLength(4);
      for (const error of body.errors!) {
        expect(error).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('instances:read') });
        expect(error.path![error.path!.length - 1]).toBe('instances');
      }
      expect(h.simulator.callCount('DescribeInstances')).toBe(0);
    });

    it('checks page and pageSize before any upstream call', async () => {
      const { body } = await h.graphql('{ image(id: "img-ubuntu-2204") { id instances(pageSize: 0) { totalCount } } }', undefined, picker);
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(h.simulator.callCount('DescribeInstances')).toBe(0);
    });
  });

  describe('the cost model and the upstream-call limit (GRAPHQL_MAX_UPSTREAM_CALLS 20)', () => {
    const limitError = (body: { errors?: Array<{ message: string; extensions?: Record<string, any> }> }) => {
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, message: expect.stringMatching(/the most allowed is 20 \(GRAPHQL_MAX_UPSTREAM_CALLS\)/) });
      return body.errors![0].message;
    };

    it("counts the field once per image the parent list can hold: refused before any call over the limit, let through at it", async () => {
      const listing = (pageSize: number) => `{ images(filter: { zoneId: "FRA-A" }, pageSize: ${pageSize}) { items { id instances { totalCount } } } }`;
      // One DescribeImages plus one DescribeInstances per image of a 20-image page: 21.
      expect(limitError((await h.graphql(listing(20), undefined, picker)).body)).toMatch(/21 upstream calls/);
      expect(h.simulator.callCount()).toBe(0);
      // 1 + 19: allowed, and the page holds 6 images, so 6 calls are made.
      const allowed = await h.graphql(listing(19), undefined, picker);
      expect(allowed.body.errors).toBeUndefined();
      expect(h.simulator.callCount('DescribeInstances')).toBe(6);
    });

    it('counts each image(id) asking for instances, and the page size of a list above them', async () => {
      const aliases = (count: number) => Array.from({ length: count }, (_, i) => `i${i}: image(id: "img-${i}") { instances { totalCount } }`).join(' ');
      // One DescribeImages batch plus one DescribeInstances per image: 21 for 20 images.
      expect(limitError((await h.graphql(`{ ${aliases(20)} }`, undefined, picker)).body)).toMatch(/21 upstream calls/);
      // Nested under a list of instances: one per instance of the page (5), and the listing itself.
      const nested = await h.graphql('{ instances(pageSize: 5) { items { sourceImage { instances { totalCount } } } } }', undefined, picker);
      expect(nested.body.errors).toBeUndefined();
      expect(limitError((await h.graphql('{ instances(pageSize: 50) { items { sourceImage { instances { totalCount } } } } }', undefined, picker)).body)).toMatch(
        /5\d upstream calls/,
      );
      expect(h.simulator.calls.filter((call) => sent(call).pageSize === 50)).toEqual([]);
    });

    it('counts the field in the cost (GRAPHQL_MAX_COST 5000): its page size multiplies what it selects, and a list above it multiplies it', async () => {
      const costError = (body: { errors?: Array<{ message: string; extensions?: Record<string, any> }> }) =>
        expect(body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, message: expect.stringMatching(/costs \d+; the most allowed is 5000 \(GRAPHQL_MAX_COST\)/) });
      // 10 + 1000 × 10 (Instance.zone): over the cost, though it makes 3 upstream calls at most.
      costError((await h.graphql('{ image(id: "img-ubuntu-2204") { instances(pageSize: 1000) { items { zone { id } } } } }', undefined, picker)).body);
      // 10 + 10 × (10 + 100 × 10): over the cost with 12 upstream calls at most.
      costError((await h.graphql('{ images(filter: { zoneId: "FRA-A" }, pageSize: 10) { items { instances(pageSize: 100) { items { zone { id } } } } } }', undefined, picker)).body);
      expect(h.simulator.callCount()).toBe(0);
      const allowed = await h.graphql('{ images(filter: { zoneId: "FRA-A" }, pageSize: 10) { items { instances(pageSize: 20) { items { zone { id } } } } } }', undefined, picker);
      expect(allowed.body.errors).toBeUndefined();
    });
  });

  describe('over REST', () => {
    it('answers GET /v1/images/{id}/instances with the same page as Image.instances', async () => {
      for (const [imageId, query] of [
        ['img-fra-web-01', ''],
        ['img-ubuntu-2204', '?page=2&pageSize=2'],
        ['img-win-2022', '?pageSize=1'],
        ['img-fra-db-01', ''],
      ] as const) {
        const params = new URLSearchParams(query);
        const page = Number(params.get('page') ?? 1);
        const pageSize = Number(params.get('pageSize') ?? 20);
        const response = await rest(`/v1/images/${imageId}/instances${query}`);
        expect(response.status).toBe(200);
        const answer = await response.json();
        const { body } = await h.graphql(
          `query($id: ID!, $page: Int, $pageSize: Int) { image(id: $id) { instances(page: $page, pageSize: $pageSize) { totalCount page pageSize items { ${INSTANCE} systemDisk { sizeGb category } createdAt } } } }`,
          { id: imageId, page, pageSize },
          picker,
        );
        expect(body.errors).toBeUndefined();
        expect(answer).toEqual(body.data.image.instances);
        const all = expected(imageId);
        expect(answer).toMatchObject({ totalCount: all.length, page, pageSize, items: all.slice((page - 1) * pageSize, page * pageSize) });
      }
    });

    it('asks DescribeInstances once, with the imageId', async () => {
      expect((await rest('/v1/images/img-fra-web-01/instances?pageSize=5')).status).toBe(200);
      expect(describeInstances()).toEqual([{ imageId: 'img-fra-web-01', pageNum: 1, pageSize: 5 }]);
    });

    it('answers 404 for an image that does not exist, as GET /v1/images/{id} does', async () => {
      const response = await rest('/v1/images/img-nope/instances');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining('img-nope') });
      expect((await rest('/v1/images/img-nope')).status).toBe(404);
    });

    it('answers 403 to a client without instances:read, with no upstream call', async () => {
      const response = await rest('/v1/images/img-fra-web-01/instances', reader);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect(h.simulator.callCount()).toBe(0);
    });

    it.each([['?pageSize=0'], ['?page=0'], ['?pageSize=1001'], ['?pageSize=x']])('answers %s with 400 BAD_USER_INPUT before any upstream call', async (query) => {
      const response = await rest(`/v1/images/img-fra-web-01/instances${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(h.simulator.callCount()).toBe(0);
    });
  });
});
