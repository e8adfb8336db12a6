import { Harness, startHarness, sent } from './helpers/harness';

const CACHES_ON = { CACHE_TTL_ZONES_SECONDS: '300', CACHE_TTL_QUOTAS_SECONDS: '60', CACHE_TTL_IMAGES_SECONDS: '60' };
const ZONES = ['FRA-A', 'HKG-A', 'TYO-A', 'SIN-E', 'LAX-A'];
const IMAGES = ['img-fra-web-01', 'img-fra-db-01', 'img-hkg-app-01', 'img-hkg-app-02', 'img-hkg-cache-01', 'img-ubuntu-2204', 'img-debian-12', 'img-centos-79', 'img-win-2022'];

/** 30 aliased imageQuota and 20 aliased image fields in one operation. */
const FIFTY_FIELDS = `{
  ${Array.from({ length: 30 }, (_, i) => `q${i}: imageQuota(zoneId: "${ZONES[i % ZONES.length]}") { zoneId count remaining }`).join('\n  ')}
  ${Array.from({ length: 20 }, (_, i) => `i${i}: image(id: "${i < IMAGES.length ? IMAGES[i] : `img-missing-${i}`}") { id name status }`).join('\n  ')}
}`;

describe('batching, coalescing and caching', () => {
  describe.each([
    ['caches off', {}],
    ['caches on', CACHES_ON],
  ])('with %s', (_name, env) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(env);
    });
    afterAll(() => h.close());
    beforeEach(() => h.reset());

    it('answers a 50-field operation with one DescribeImageQuota and one DescribeImages per zone', async () => {
      const { body } = await h.graphql(FIFTY_FIELDS);
      expect(body.errors).toBeUndefined();
      expect(Object.keys(body.data!)).toHaveLength(50);
      expect(body.data!.q0).toEqual({ zoneId: 'FRA-A', count: 2, remaining: 3 });
      expect(body.data!.i0).toEqual({ id: 'img-fra-web-01', name: 'fra-web-01', status: 'AVAILABLE' });
      expect(body.data!.i19).toBeNull();
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(1);
      // Ids in no zone the gateway knows (here, the ones that exist nowhere) are asked of every zone, all in one call per zone.
      const looks = h.simulator.calls.filter((call) => call.action === 'DescribeImages');
      expect(looks.map((call) => sent(call).zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'LAX-A', 'SIN-E', 'TYO-A']);
      expect(h.simulator.callCount('DescribeZones')).toBe(1);
      expect(h.simulator.callCount()).toBe(7);
    });

    it('makes one upstream call for 100 concurrent identical queries', async () => {
      // The first call is held for a moment so that every query arrives while it is in flight.
      h.simulator.injectFault('DescribeZones', { kind: 'latency', ms: 400 }, 1);
      const answers = await Promise.all(Array.from({ length: 100 }, () => h.graphql('{ zones { id } }')));
      for (const answer of answers) expect(answer.body.data!.zones).toHaveLength(5);
      expect(h.simulator.callCount('DescribeZones')).toBe(1);
    });

    it('does not keep a failed read', async () => {
      h.simulator.injectFault('DescribeImageQuota', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 3);
      const failed = await h.graphql('{ imageQuotas { zoneId } }');
      expect(failed.body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
      const next = await h.graphql('{ imageQuotas { zoneId } }');
      expect(next.body.errors).toBeUndefined();
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(4);
    });
  });

  describe('with caches on', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(CACHES_ON);
    });
    afterAll(() => h.close());
    beforeEach(() => h.reset());

    it('answers a repeated read from the cache', async () => {
      await h.graphql('{ zones { id } imageQuotas { count } images { totalCount } }');
      h.simulator.resetCalls();
      const again = await h.graphql('{ zones { id } imageQuotas { count } images { totalCount } }');
      expect(again.body.errors).toBeUndefined();
      expect(h.simulator.callCount()).toBe(0);
    });

    it('shows a created image in the quotas and lists at once', async () => {
      const quota = '{ imageQuota(zoneId: "TYO-A") { count } images(filter: { zoneId: "TYO-A", type: CUSTOM_IMAGE }) { totalCount } }';
      expect((await h.graphql(quota)).body.data).toEqual({ imageQuota: { count: 0 }, images: { totalCount: 0 } });
      const created = await h.graphql('mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "tyo-new" }) { imageId image { status } } }');
      expect(created.body.data!.createImage.image).toEqual({ status: 'CREATING' });
      expect((await h.graphql(quota)).body.data).toEqual({ imageQuota: { count: 1 }, images: { totalCount: 1 } });
    });

    it('shows a rename in the image and the lists at once', async () => {
      const read = '{ image(id: "img-fra-web-01") { name } images(filter: { ids: ["img-fra-web-01"] }) { items { name } } }';
      await h.graphql(read);
      await h.graphql('mutation { updateImages(input: { ids: ["img-fra-web-01"], name: "renamed" }) { requestId } }');
      expect((await h.graphql(read)).body.data).toEqual({ image: { name: 'renamed' }, images: { items: [{ name: 'renamed' }] } });
    });

    it('shows a deletion in the image, the lists and the quotas at once', async () => {
      const read = '{ image(id: "img-hkg-app-01") { id } imageQuota(zoneId: "HKG-A") { count } images(filter: { zoneId: "HKG-A", type: CUSTOM_IMAGE }) { totalCount } }';
      expect((await h.graphql(read)).body.data).toEqual({ image: { id: 'img-hkg-app-01' }, imageQuota: { count: 3 }, images: { totalCount: 3 } });
      await h.graphql('mutation { deleteImages(ids: ["img-hkg-app-01"]) { deletedIds } }');
      expect((await h.graphql(read)).body.data).toEqual({ image: null, imageQuota: { count: 2 }, images: { totalCount: 2 } });
    });

    it('shows a change made elsewhere (not through the gateway) only after its TTL', async () => {
      await h.graphql('{ imageQuota(zoneId: "FRA-A") { maxCount } }');
      h.simulator.setQuota('FRA-A', 9); // e.g. Zenlayer support raised it: the gateway learns at the next TTL
      expect((await h.graphql('{ imageQuota(zoneId: "FRA-A") { maxCount } }')).body.data).toEqual({ imageQuota: { maxCount: 5 } });
    });
  });
});
