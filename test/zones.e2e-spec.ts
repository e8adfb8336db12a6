import { randomUUID } from 'node:crypto';
import { Harness, startHarness, sent } from './helpers/harness';
import { collect, wsClient } from './helpers/ws';

/**
 * Zenlayer's DescribeImages needs a zoneId (the simulator refuses it without one, as Zenlayer
 * does): every call the gateway sends on its own behalf must carry one, whatever the client did.
 */
describe('images live in zones', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SUBSCRIPTION_POLL_MIN_MS: '50', SUBSCRIPTION_POLL_MAX_MS: '200' }, { imageReadyDelayMs: 600 });
  });
  afterAll(() => h.close());

  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const { body } = await h.graphql(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const CREATE = 'mutation($i: CreateImageInput!, $k: String) { createImage(input: $i, idempotencyKey: $k) { imageId image { id zoneId status } } }';

  it('names a zone in every DescribeImages of a full run: lists, keyed creates and their recovery, read-backs, the preflight, a subscription, REST', async () => {
    h.simulator.resetCalls();
    // Listings, across zones and in one.
    const across = await ok('{ images { totalCount items { id zoneId } } }');
    expect(across.images.items.every((i: any) => ['FRA-A', 'HKG-A'].includes(i.zoneId))).toBe(true);
    await ok('{ images(filter: { zoneId: "TYO-A", osType: "linux" }) { totalCount } }');

    // A keyed create, on a gateway that has not seen the instance: its zone is read first.
    const made = await ok(CREATE, { i: { instanceId: 'ins-tyo-stopped', name: 'zoned-1' }, k: randomUUID() });
    expect(made.createImage.image).toMatchObject({ id: made.createImage.imageId, zoneId: 'TYO-A', status: 'CREATING' });

    // A keyed create whose answer is lost: the repeat finds the image in the instance's zone.
    const key = randomUUID();
    h.simulator.injectFault('CreateImage', { kind: 'reset', afterApply: true }, 1);
    const lost = await h.graphql(CREATE, { i: { instanceId: 'ins-hkg-stopped', name: 'zoned-2' }, k: key });
    expect(lost.body.errors![0].extensions!.code).toBe('UPSTREAM_UNAVAILABLE');
    const recovered = await ok(CREATE, { i: { instanceId: 'ins-hkg-stopped', name: 'zoned-2' }, k: key });
    expect(recovered.createImage.image).toMatchObject({ zoneId: 'HKG-A' });

    // The preflight sees the image being made (DISK_BUSY), asking in the instance's zone.
    const check = await ok('{ imageCreationCheck(instanceId: "ins-hkg-stopped") { allowed reasons { code } } }');
    expect(check.imageCreationCheck.reasons.map((r: any) => r.code)).toContain('DISK_BUSY');

    // A subscription on the new image, to its end.
    const client = wsClient(h.gateway.url);
    try {
      const received = await collect(client, 'subscription($id: ID!) { imageStatusChanged(id: $id) { id status zoneId } }', { id: made.createImage.imageId });
      expect(received.completed).toBe(true);
      expect(received.values.at(-1)).toEqual({ data: { imageStatusChanged: { id: made.createImage.imageId, status: 'AVAILABLE', zoneId: 'TYO-A' } } });
    } finally {
      await client.dispose();
    }

    // A rename, read back; lookups by id over REST and GraphQL.
    const renamed = await ok('mutation($ids: [ID!]!) { updateImages(input: { ids: $ids, description: "zoned" }) { images { id zoneId description } } }', {
      ids: [made.createImage.imageId, 'img-fra-web-01'],
    });
    expect(renamed.updateImages.images).toEqual([
      { id: made.createImage.imageId, zoneId: 'TYO-A', description: 'zoned' },
      { id: 'img-fra-web-01', zoneId: 'FRA-A', description: 'zoned' },
    ]);
    const one = await fetch(`${h.gateway.url}/v1/images/${made.createImage.imageId}`);
    expect(await one.json()).toMatchObject({ id: made.createImage.imageId, zoneId: 'TYO-A' });
    const listed = await fetch(`${h.gateway.url}/v1/images?type=CUSTOM_IMAGE&pageSize=100`);
    const items = ((await listed.json()) as { items: Array<{ id: string; zoneId: string }> }).items;
    expect(items.find((i) => i.id === made.createImage.imageId)).toMatchObject({ zoneId: 'TYO-A' });

    const describes = h.simulator.calls.filter((call) => call.action === 'DescribeImages');
    expect(describes.length).toBeGreaterThan(20);
    const zoneless = describes.filter((call) => typeof sent(call).zoneId !== 'string' || sent(call).zoneId === '');
    expect(zoneless).toEqual([]);
  });

  it('answers REST /v1/images as GraphQL does: custom images of every zone without a zone, 400 naming zoneId for public ones', async () => {
    const graphql = await ok('{ images(pageSize: 100) { totalCount items { id zoneId } } }');
    const rest = await fetch(`${h.gateway.url}/v1/images?pageSize=100`);
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({ totalCount: graphql.images.totalCount, items: graphql.images.items });
    const publicImages = await fetch(`${h.gateway.url}/v1/images?type=PUBLIC_IMAGE`);
    expect(publicImages.status).toBe(400);
    expect(await publicImages.json()).toMatchObject({ code: 'BAD_USER_INPUT', errors: [{ field: 'zoneId', reasons: [expect.stringMatching(/required when listing public images/)] }] });
  });

  it('lists images by id wherever they are, without a zone', async () => {
    const { images } = await ok('{ images(filter: { ids: ["img-hkg-app-02", "img-debian-12", "img-fra-db-01"] }) { totalCount items { id zoneId } } }');
    expect(images.totalCount).toBe(3);
    expect(images.items.map((i: any) => i.id)).toEqual(['img-hkg-app-02', 'img-debian-12', 'img-fra-db-01']);
    expect(images.items.find((i: any) => i.id === 'img-hkg-app-02').zoneId).toBe('HKG-A');
    expect(images.items.find((i: any) => i.id === 'img-fra-db-01').zoneId).toBe('FRA-A');
  });
});
