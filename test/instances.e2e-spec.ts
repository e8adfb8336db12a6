import { CLIENT_AUTH_ENV, hsToken, KEYS } from './helpers/clients';
import { Harness, startHarness, sent } from './helpers/harness';

const CHECK = 'allowed reasons { code message } quota { zoneId count maxCount remaining }';
const INSTANCE = `id name zoneId status systemDisk { sizeGb category } sourceImage { id name } createdAt imageCreation { ${CHECK} }`;
const INSTANCES = `query Screen($filter: InstanceFilter, $page: Int, $pageSize: Int) {
  instances(filter: $filter, page: $page, pageSize: $pageSize) { totalCount page pageSize items { ${INSTANCE} } }
}`;
const CHECK_ONE = `query Check($id: ID!) { imageCreationCheck(instanceId: $id) { ${CHECK} } }`;

const codes = (check: { reasons: { code: string }[] }) => check.reasons.map((reason) => reason.code);

describe('instances and the image-creation check', () => {
  let h: Harness;
  // New images stay CREATING for the whole suite unless a test says otherwise (DISK_BUSY).
  beforeAll(async () => {
    h = await startHarness({}, { imageReadyDelayMs: 60_000 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const check = async (id: string) => {
    const { body } = await h.graphql(CHECK_ONE, { id });
    expect(body.errors).toBeUndefined();
    return body.data.imageCreationCheck;
  };
  const rest = (path: string, headers: Record<string, string> = {}) => fetch(`${h.gateway.url}${path}`, { headers });

  describe('instances', () => {
    it('lists the instances with what choosing one needs, and no addresses or billing', async () => {
      const { body } = await h.graphql(INSTANCES);
      expect(body.errors).toBeUndefined();
      const page = body.data.instances;
      expect(page).toMatchObject({ totalCount: 8, page: 1, pageSize: 20 });
      expect(page.items.map((i: { id: string; status: string }) => `${i.id} ${i.status}`)).toEqual([
        'ins-fra-stopped STOPPED',
        'ins-fra-running RUNNING',
        'ins-hkg-stopped STOPPED',
        'ins-tyo-stopped STOPPED',
        'ins-sin-stopped STOPPED',
        'ins-lax-stopped STOPPED',
        'ins-hkg-booting BOOTING',
        'ins-tyo-stopping STOPPING',
      ]);
      expect(page.items[0]).toEqual({
        id: 'ins-fra-stopped',
        name: 'fra-web-1',
        zoneId: 'FRA-A',
        status: 'STOPPED',
        systemDisk: { sizeGb: 40, category: 'Standard NVMe SSD' },
        sourceImage: { id: 'img-ubuntu-2204', name: 'Ubuntu-22.04' },
        createdAt: expect.stringMatching(/^2024-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        imageCreation: { allowed: true, reasons: [], quota: { zoneId: 'FRA-A', count: 2, maxCount: 5, remaining: 3 } },
      });
      const text = JSON.stringify(body);
      for (const leak of ['203.0.113.', '10.0.0.', 'POSTPAID', 'ByBandwidth', 'publicIp', 'privateIp']) expect(text).not.toContain(leak);
    });

    it('filters by zone, status, name and ids, and pages', async () => {
      const ids = async (variables: Record<string, unknown>) => {
        const { body } = await h.graphql(`query($filter: InstanceFilter, $page: Int, $pageSize: Int) {
          instances(filter: $filter, page: $page, pageSize: $pageSize) { totalCount items { id } } }`, variables);
        expect(body.errors).toBeUndefined();
        return { totalCount: body.data.instances.totalCount, ids: body.data.instances.items.map((i: { id: string }) => i.id) };
      };
      expect(await ids({ filter: { zoneId: 'TYO-A' } })).toEqual({ totalCount: 2, ids: ['ins-tyo-stopped', 'ins-tyo-stopping'] });
      expect(await ids({ filter: { zoneId: 'HKG-A', status: 'STOPPED' } })).toEqual({ totalCount: 1, ids: ['ins-hkg-stopped'] });
      expect(await ids({ filter: { name: 'batch' } })).toEqual({ totalCount: 2, ids: ['ins-tyo-stopped', 'ins-tyo-stopping'] });
      expect(await ids({ filter: { ids: ['ins-lax-stopped', 'ins-nope'] } })).toEqual({ totalCount: 1, ids: ['ins-lax-stopped'] });
      expect(await ids({ page: 2, pageSize: 3 })).toEqual({ totalCount: 8, ids: ['ins-tyo-stopped', 'ins-sin-stopped', 'ins-lax-stopped'] });
    });

    it('answers an unknown zone with NOT_FOUND', async () => {
      const { body } = await h.graphql(INSTANCES, { filter: { zoneId: 'MARS-1' } });
      expect(body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', upstream: { action: 'DescribeInstances' } });
    });

    it('reads the rest of the source image only when asked for more than its id and name', async () => {
      const { body } = await h.graphql('{ instances(filter: { ids: ["ins-hkg-stopped"] }) { items { sourceImage { id name type status sizeGb } } } }');
      expect(body.data.instances.items[0].sourceImage).toEqual({ id: 'img-centos-79', name: 'CentOS-7.9', type: 'PUBLIC_IMAGE', status: 'AVAILABLE', sizeGb: 20 });
      expect(h.simulator.callCount('DescribeImages')).toBe(1);
    });

    it('gives each zone its first instances, every zone in one upstream call', async () => {
      const { body } = await h.graphql('{ zones { id instances(pageSize: 1) { totalCount items { id imageCreation { allowed } } } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.zones.map((z: any) => [z.id, z.instances.totalCount, z.instances.items.map((i: any) => `${i.id} ${i.imageCreation.allowed}`)])).toEqual([
        ['FRA-A', 2, ['ins-fra-stopped true']],
        ['HKG-A', 2, ['ins-hkg-stopped true']],
        ['LAX-A', 1, ['ins-lax-stopped false']],
        ['SIN-E', 1, ['ins-sin-stopped false']],
        ['TYO-A', 2, ['ins-tyo-stopped true']],
      ]);
      expect(h.simulator.callCount('DescribeInstances')).toBe(1);
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(1);
    });

    it('gives the zone of each instance', async () => {
      const { body } = await h.graphql('{ instances(filter: { ids: ["ins-sin-stopped"] }) { items { zone { id name supportsImageCreation } } } }');
      expect(body.data.instances.items[0].zone).toEqual({ id: 'SIN-E', name: 'Singapore E', supportsImageCreation: false });
    });
  });

  describe('imageCreationCheck: one blocker each', () => {
    it('allows a stopped instance in a supported zone with room in its quota', async () => {
      expect(await check('ins-hkg-stopped')).toEqual({ allowed: true, reasons: [], quota: { zoneId: 'HKG-A', count: 3, maxCount: 5, remaining: 2 } });
    });

    it('INSTANCE_NOT_FOUND: an unknown instance is an answer, not an error', async () => {
      expect(await check('ins-does-not-exist')).toEqual({
        allowed: false,
        reasons: [{ code: 'INSTANCE_NOT_FOUND', message: expect.stringContaining('ins-does-not-exist') }],
        quota: null,
      });
    });

    it.each([
      ['ins-fra-running', 'RUNNING', /shut it down/],
      ['ins-hkg-booting', 'BOOTING', /shut it down/],
      ['ins-tyo-stopping', 'STOPPING', /wait until it is STOPPED/],
    ])('INSTANCE_NOT_STOPPED: %s is %s', async (id, status, advice) => {
      const result = await check(id);
      expect(result).toMatchObject({ allowed: false, reasons: [{ code: 'INSTANCE_NOT_STOPPED', message: expect.stringMatching(advice) }] });
      expect(result.reasons[0].message).toContain(status);
      expect(result.quota).toEqual(expect.objectContaining({ maxCount: 5 }));
    });

    it.each([['ins-sin-stopped', 'SIN-E'], ['ins-lax-stopped', 'LAX-A']])('ZONE_UNSUPPORTED: %s in %s', async (id, zoneId) => {
      expect(await check(id)).toEqual({
        allowed: false,
        reasons: [{ code: 'ZONE_UNSUPPORTED', message: expect.stringMatching(new RegExp(`${zoneId}.*another zone`)) }],
        quota: { zoneId, count: 0, maxCount: 5, remaining: 5 },
      });
    });

    it('DISK_UNAVAILABLE: Zenlayer reports no system disk', async () => {
      h.simulator.setSystemDiskAvailable('ins-tyo-stopped', false);
      expect(codes(await check('ins-tyo-stopped'))).toEqual(['DISK_UNAVAILABLE']);
      const { body } = await h.graphql('{ instances(filter: { ids: ["ins-tyo-stopped"] }) { items { systemDisk { sizeGb } } } }');
      expect(body.data.instances.items[0].systemDisk).toBeNull();
    });

    it('DISK_BUSY: an image made through the gateway from the instance is still CREATING, until it is AVAILABLE', async () => {
      const created = await h.graphql('mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "tyo-batch" }) { imageId } }');
      const { imageId } = created.body.data.createImage;
      const busy = await check('ins-tyo-stopped');
      expect(busy).toMatchObject({ allowed: false, reasons: [{ code: 'DISK_BUSY', message: expect.stringContaining(imageId) }] });
      expect(busy.quota).toMatchObject({ zoneId: 'TYO-A', count: 1 });
      // The other instances of the zone are not busy.
      h.simulator.setInstanceStatus('ins-tyo-stopping', 'STOPPED');
      expect((await check('ins-tyo-stopping')).allowed).toBe(true);
      h.simulator.setImageStatus(imageId, 'AVAILABLE');
      expect((await check('ins-tyo-stopped')).allowed).toBe(true);
    });

    it('QUOTA_FULL: the zone holds maxCount custom images', async () => {
      h.simulator.setQuota('FRA-A', 2);
      expect(await check('ins-fra-stopped')).toEqual({
        allowed: false,
        reasons: [{ code: 'QUOTA_FULL', message: expect.stringMatching(/FRA-A holds 2 of its 2 .*delete a custom image/) }],
        quota: { zoneId: 'FRA-A', count: 2, maxCount: 2, remaining: 0 },
      });
    });

    it('never counts a status the gateway does not know as eligible, and shows it as it came', async () => {
      h.simulator.injectFault('DescribeInstances', {
        kind: 'malformed',
        status: 200,
        body: JSON.stringify({
          requestId: 'R-1',
          response: {
            requestId: 'R-1',
            totalCount: 1,
            dataSet: [{ instanceId: 'ins-new', zoneId: 'FRA-A', instanceStatus: 'MIGRATING', systemDisk: { diskId: 'disk-new', diskSize: 40 } }],
          },
        }),
      });
      const { body } = await h.graphql(INSTANCES);
      expect(body.errors).toBeUndefined();
      const [item] = body.data.instances.items;
      expect(item).toMatchObject({ id: 'ins-new', status: 'MIGRATING', name: null, sourceImage: null, createdAt: null, systemDisk: { sizeGb: 40, category: null } });
      expect(item.imageCreation).toMatchObject({ allowed: false, reasons: [{ code: 'INSTANCE_NOT_STOPPED', message: expect.stringContaining('MIGRATING') }] });
    });
  });

  describe('imageCreationCheck: several blockers', () => {
    it('names every reason that applies, in the order of the codes', async () => {
      h.simulator.setInstanceStatus('ins-sin-stopped', 'RUNNING');
      h.simulator.setSystemDiskAvailable('ins-sin-stopped', false);
      h.simulator.setQuota('SIN-E', 0);
      const result = await check('ins-sin-stopped');
      expect(codes(result)).toEqual(['INSTANCE_NOT_STOPPED', 'ZONE_UNSUPPORTED', 'DISK_UNAVAILABLE', 'QUOTA_FULL']);
      expect(result).toMatchObject({ allowed: false, quota: { zoneId: 'SIN-E', count: 0, maxCount: 0, remaining: 0 } });
      for (const reason of result.reasons) expect(reason.message).toMatch(/: /);
    });

    it('adds DISK_BUSY and QUOTA_FULL to a stopping instance whose image is being made', async () => {
      h.simulator.setQuota('TYO-A', 1);
      const created = await h.graphql('mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "first" }) { imageId } }');
      expect(created.body.errors).toBeUndefined();
      h.simulator.setInstanceStatus('ins-tyo-stopped', 'STOPPING');
      expect(codes(await check('ins-tyo-stopped'))).toEqual(['INSTANCE_NOT_STOPPED', 'DISK_BUSY', 'QUOTA_FULL']);
    });
  });

  describe('upstream calls', () => {
    it("answers a zone's page of 20 instances with their checks and quotas in at most 3 upstream calls", async () => {
      // The two seed instances of HKG-A and 18 more.
      for (let i = 0; i < 18; i++) h.simulator.addInstance(`ins-extra-${i}`, 'HKG-A', i % 3 === 0 ? 'RUNNING' : 'STOPPED');
      // One image being made through the gateway, so the DISK_BUSY lookup has something to ask about.
      await h.graphql('mutation { createImage(input: { instanceId: "ins-hkg-stopped", name: "busy" }) { imageId } }');
      h.simulator.resetCalls();

      const { body } = await h.graphql(INSTANCES, { filter: { zoneId: 'HKG-A' }, pageSize: 20 });
      expect(body.errors).toBeUndefined();
      expect(body.data.instances.items).toHaveLength(20);
      expect(body.data.instances.items.every((i: any) => i.imageCreation.quota !== null)).toBe(true);
      expect(body.data.instances.items.find((i: any) => i.id === 'ins-hkg-stopped').imageCreation.reasons.map((r: any) => r.code)).toEqual(['DISK_BUSY']);
      expect(h.simulator.calls.map((call) => call.action).sort()).toEqual(['DescribeImageQuota', 'DescribeImages', 'DescribeInstances']);
      expect(h.simulator.calls.find((call) => call.action === 'DescribeImages')!.body).toMatchObject({ zoneId: 'HKG-A', imageStatus: 'CREATING' });
    });

    it('asks about images in flight once per zone that has one, each in its zone, for a page across zones', async () => {
      await h.graphql('mutation { createImage(input: { instanceId: "ins-hkg-stopped", name: "busy-hkg" }) { imageId } }');
      await h.graphql('mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "busy-tyo" }) { imageId } }');
      h.simulator.resetCalls();

      const { body } = await h.graphql(INSTANCES, { pageSize: 20 });
      expect(body.errors).toBeUndefined();
      const busy = body.data.instances.items.filter((i: any) => i.imageCreation.reasons.some((r: any) => r.code === 'DISK_BUSY')).map((i: any) => i.id);
      expect(busy.sort()).toEqual(['ins-hkg-stopped', 'ins-tyo-stopped']);
      const looks = h.simulator.calls.filter((call) => call.action === 'DescribeImages');
      // Earlier tests of this suite made images of other instances too: each zone is asked once.
      const zonesAsked = looks.map((call) => sent(call).zoneId);
      expect(new Set(zonesAsked).size).toBe(zonesAsked.length);
      expect(zonesAsked).toEqual(expect.arrayContaining(['HKG-A', 'TYO-A']));
      expect(h.simulator.callCount()).toBe(2 + looks.length);
    });

    it('makes no DISK_BUSY lookup when no image was made through the gateway from the instances listed', async () => {
      // Instances this suite never makes an image of: the gateway remembers no image of theirs.
      await h.graphql(INSTANCES, { filter: { ids: ['ins-lax-stopped', 'ins-fra-running', 'ins-sin-stopped'] } });
      expect(h.simulator.calls.map((call) => call.action).sort()).toEqual(['DescribeImageQuota', 'DescribeInstances']);
    });

    it('batches several checks of one operation into one DescribeInstances', async () => {
      const { body } = await h.graphql(`{ a: imageCreationCheck(instanceId: "ins-fra-stopped") { allowed }
        b: imageCreationCheck(instanceId: "ins-sin-stopped") { allowed } c: imageCreationCheck(instanceId: "ins-nope") { allowed } }`);
      expect(body.data).toEqual({ a: { allowed: true }, b: { allowed: false }, c: { allowed: false } });
      expect(h.simulator.callCount('DescribeInstances')).toBe(1);
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(1);
    });

    it.each([
      ['DescribeInstances', 'instances'],
      ['DescribeImageQuota', 'instances'],
      ['DescribeImageQuota', 'imageCreationCheck'],
    ])('fails with the usual code, never a partial allowed: true, when %s fails (%s)', async (action, field) => {
      h.simulator.injectFault(action, { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, Infinity);
      const { body } =
        field === 'instances' ? await h.graphql(INSTANCES) : await h.graphql(CHECK_ONE, { id: 'ins-fra-stopped' });
      expect(body.data).toBeNull();
      expect(body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: { action } });
    });

    it('fails the check when the DISK_BUSY lookup fails', async () => {
      await h.graphql('mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "x" }) { imageId } }');
      h.simulator.injectFault('DescribeImages', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, Infinity);
      const { body } = await h.graphql(CHECK_ONE, { id: 'ins-fra-stopped' });
      expect(body.data).toBeNull();
      expect(body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: { action: 'DescribeImages' } });
    });
  });

  describe('bad input', () => {
    it.each([
      ['a malformed instance id', CHECK_ONE, { id: 'not an id!' }, 'instanceId'],
      ['page 0', INSTANCES, { page: 0 }, 'page'],
      ['page 1000001', INSTANCES, { page: 1_000_001 }, 'page'],
      ['pageSize 0', INSTANCES, { pageSize: 0 }, 'pageSize'],
      ['malformed ids', INSTANCES, { filter: { ids: ['ok', 'not ok'] } }, 'filter.ids'],
      ['an empty ids list', INSTANCES, { filter: { ids: [] } }, 'filter.ids'],
      ['a lower-case status', INSTANCES, { filter: { status: 'stopped' } }, 'filter.status'],
      ['a malformed zone id', INSTANCES, { filter: { zoneId: 'FRA A' } }, 'filter.zoneId'],
    ])('refuses %s with BAD_USER_INPUT before any upstream call', async (_why, query, variables, field) => {
      const { body } = await h.graphql(query, variables);
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field })] });
      expect(h.simulator.callCount()).toBe(0);
    });

    it.each([
      ['/v1/instances?pageSize=0', 'pageSize'],
      ['/v1/instances?page=x', 'page'],
      ['/v1/instances?ids=a,b%20c', 'ids'],
      ['/v1/instances?status=running', 'status'],
      ['/v1/instances/not%20an%20id/image-creation-check', 'id'],
    ])('answers GET %s with 400 naming %s, before any upstream call', async (path, field) => {
      const response = await rest(path);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await response.json()).toMatchObject({ code: 'BAD_USER_INPUT', errors: [expect.objectContaining({ field })] });
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('REST', () => {
    it('gives the same instances and checks as GraphQL', async () => {
      h.simulator.setQuota('FRA-A', 2);
      h.simulator.setSystemDiskAvailable('ins-hkg-stopped', false);
      const { body } = await h.graphql(INSTANCES, { filter: { status: 'STOPPED' }, pageSize: 4 });
      const response = await rest('/v1/instances?status=STOPPED&pageSize=4');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(body.data.instances);
    });

    it('filters by zone, name and ids, and pages', async () => {
      const ids = async (query: string) => ((await (await rest(`/v1/instances?${query}`)).json()) as any).items.map((i: { id: string }) => i.id);
      expect(await ids('zoneId=TYO-A')).toEqual(['ins-tyo-stopped', 'ins-tyo-stopping']);
      expect(await ids('name=app&status=BOOTING')).toEqual(['ins-hkg-booting']);
      expect(await ids('ids=ins-lax-stopped,ins-sin-stopped')).toEqual(['ins-sin-stopped', 'ins-lax-stopped']);
      expect(await ids('page=3&pageSize=3')).toEqual(['ins-hkg-booting', 'ins-tyo-stopping']);
    });

    it.each([['ins-fra-running'], ['ins-sin-stopped'], ['ins-hkg-stopped'], ['ins-nope']])(
      'answers GET /v1/instances/%s/image-creation-check as GraphQL does',
      async (id) => {
        const response = await rest(`/v1/instances/${id}/image-creation-check`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(await check(id));
      },
    );

    it('answers an unknown zone with 404 problem+json', async () => {
      const response = await rest('/v1/instances?zoneId=MARS-1');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', upstream: { action: 'DescribeInstances' } });
    });

    it('lists the routes in the OpenAPI document', async () => {
      const doc = (await (await rest('/docs-json')).json()) as any;
      expect(doc.paths['/v1/instances'].get).toMatchObject({ tags: ['instances'] });
      expect(doc.paths['/v1/instances/{id}/image-creation-check'].get).toMatchObject({ tags: ['instances'] });
      expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['InstanceWithCheckPage', 'ImageCreationCheck', 'ImageCreationBlocker']));
    });
  });

  describe('createImage refusals name the same blocker', () => {
    it.each([
      ['ins-nope', 'as seeded', 'NOT_FOUND', 'INSTANCE_NOT_FOUND'],
      ['ins-fra-running', 'as seeded', 'FAILED_PRECONDITION', 'INSTANCE_NOT_STOPPED'],
      ['ins-sin-stopped', 'as seeded', 'FAILED_PRECONDITION', 'ZONE_UNSUPPORTED'],
      ['ins-tyo-stopped', 'disk unavailable', 'FAILED_PRECONDITION', 'DISK_UNAVAILABLE'],
      ['ins-hkg-stopped', 'quota lowered', 'QUOTA_EXCEEDED', 'QUOTA_FULL'],
    ])('createImage from %s (%s) fails with %s and blocker %s, as the check says', async (instanceId, setup, code, blocker) => {
      if (setup === 'disk unavailable') h.simulator.setSystemDiskAvailable(instanceId, false);
      if (setup === 'quota lowered') h.simulator.setQuota('HKG-A', 3);
      expect(codes(await check(instanceId))).toEqual([blocker]);
      const { body } = await h.graphql('mutation($id: ID!) { createImage(input: { instanceId: $id, name: "x" }) { imageId } }', { id: instanceId });
      expect(body.errors![0].extensions).toMatchObject({ code, blocker });
      const response = await fetch(`${h.gateway.url}/v1/images`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instanceId, name: 'x' }),
      });
      expect(await response.json()).toMatchObject({ code, blocker });
    });

    it('keeps the blocker when an idempotency key answers a remembered refusal', async () => {
      const mutation = 'mutation { createImage(input: { instanceId: "ins-sin-stopped", name: "x" }, idempotencyKey: "blocked-zone-1") { imageId } }';
      const [first, again] = [await h.graphql(mutation), await h.graphql(mutation)];
      for (const answer of [first, again]) expect(answer.body.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION', blocker: 'ZONE_UNSUPPORTED' });
      expect(h.simulator.callCount('CreateImage')).toBe(1);
    });

    it('createImage of a disk being imaged fails with blocker DISK_BUSY, as the check says', async () => {
      const mutation = 'mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "x" }) { imageId } }';
      expect((await h.graphql(mutation)).body.errors).toBeUndefined();
      expect(codes(await check('ins-tyo-stopped'))).toEqual(['DISK_BUSY']);
      expect((await h.graphql(mutation)).body.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION', blocker: 'DISK_BUSY' });
    });
  });
});

describe('the instances:read scope', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      NODE_ENV: 'production',
      ...CLIENT_AUTH_ENV,
      RATE_LIMIT_PER_MINUTE: '0',
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const reader = { 'x-api-key': KEYS.reader };
  const picker = { 'x-api-key': KEYS.picker };

  it.each([
    ['instances', '{ instances { totalCount } }'],
    ['imageCreationCheck', '{ imageCreationCheck(instanceId: "ins-fra-stopped") { allowed } }'],
    ['Zone.instances', '{ zones(zoneIds: ["FRA-A"]) { id instances { totalCount } } }'],
  ])('gives a client without instances:read FORBIDDEN on %s', async (_field, query) => {
    h.simulator.resetCalls();
    const { body } = await h.graphql(query, undefined, reader);
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('instances:read') });
    expect(h.simulator.callCount('DescribeInstances')).toBe(0);
  });

  it('gives FORBIDDEN with no upstream call at all on the root fields', async () => {
    h.simulator.resetCalls();
    const { body } = await h.graphql('{ instances { totalCount } imageCreationCheck(instanceId: "ins-fra-stopped") { allowed } }', undefined, reader);
    // Both root fields are non-null: the first refusal nulls the answer, so one error is reported.
    expect(body.data).toBeNull();
    expect(body.errors!.map((error) => error.extensions!.code)).toEqual(['FORBIDDEN']);
    expect([['instances'], ['imageCreationCheck']]).toContainEqual(body.errors![0].path);
    expect(h.simulator.callCount()).toBe(0);
  });

  it.each([['/v1/instances'], ['/v1/instances/ins-fra-stopped/image-creation-check']])('answers GET %s with 403 for a client without the scope, with 0 upstream calls', async (path) => {
    const response = await fetch(`${h.gateway.url}${path}`, { headers: reader });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(h.simulator.callCount()).toBe(0);
  });

  it('lets an API key with instances:read list instances and check them', async () => {
    const { body } = await h.graphql(`{ instances { totalCount } imageCreationCheck(instanceId: "ins-hkg-stopped") { allowed } }`, undefined, picker);
    expect(body).toEqual({ data: { instances: { totalCount: 8 }, imageCreationCheck: { allowed: true } } });
    expect((await fetch(`${h.gateway.url}/v1/instances`, { headers: picker })).status).toBe(200);
  });

  it('takes instances:read from a JWT scope claim', async () => {
    const token = await hsToken({ scope: 'instances:read' });
    const { body } = await h.graphql('{ imageCreationCheck(instanceId: "ins-sin-stopped") { allowed reasons { code } } }', undefined, { authorization: `Bearer ${token}` });
    expect(body.data).toEqual({ imageCreationCheck: { allowed: false, reasons: [{ code: 'ZONE_UNSUPPORTED' }] } });
    const imagesOnly = await hsToken({ scope: 'images:read' });
    const denied = await h.graphql('{ instances { totalCount } }', undefined, { authorization: `Bearer ${imagesOnly}` });
    expect(denied.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
