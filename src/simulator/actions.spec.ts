import { ZenlayerSimulator } from './simulator';
import { callSimulator, RawResponse } from './testing';

const READY_MS = 50;

describe('Zenlayer simulator actions', () => {
  const sim = new ZenlayerSimulator({ imageReadyDelayMs: READY_MS });
  let url: string;
  const call = (action: string, params: unknown = {}) => callSimulator(url, action, params);
  const expectOk = (res: RawResponse) => {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 200, code: undefined });
    return res.body.response;
  };
  const expectError = (res: RawResponse, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    return res.body.message as string;
  };
  const image = async (imageId: string) => expectOk(await call('DescribeImage', { imageId }));
  const quota = async (zoneId: string) => expectOk(await call('DescribeImageQuota', { zoneIds: [zoneId] })).images[0];

  beforeAll(async () => {
    url = await sim.listen();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    // The image-ready delay runs on the simulator's timers: each test moves the clock itself.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => jest.useRealTimers());
  /** Lets the image-ready delay of every image created so far pass. */
  const readyDelayPasses = () => jest.advanceTimersByTime(READY_MS);

  describe('DescribeImageQuota', () => {
    it('lists every zone with the seeded counts when zoneIds is absent', async () => {
      expect(expectOk(await call('DescribeImageQuota')).images).toEqual([
        { zoneId: 'FRA-A', count: 2, maxCount: 5 },
        { zoneId: 'HKG-A', count: 3, maxCount: 5 },
        { zoneId: 'LAX-A', count: 0, maxCount: 5 },
        { zoneId: 'SIN-E', count: 0, maxCount: 5 },
        { zoneId: 'TYO-A', count: 0, maxCount: 5 },
      ]);
    });

    it('answers in the order asked, without duplicates', async () => {
      const { images } = expectOk(await call('DescribeImageQuota', { zoneIds: ['TYO-A', 'FRA-A', 'TYO-A'] }));
      expect(images.map((q: { zoneId: string }) => q.zoneId)).toEqual(['TYO-A', 'FRA-A']);
    });

    it('reads an empty zoneIds list as all zones', async () => {
      expect(expectOk(await call('DescribeImageQuota', { zoneIds: [] })).images).toHaveLength(5);
    });

    it('reflects setQuota', async () => {
      sim.setQuota('TYO-A', 12);
      expect(await quota('TYO-A')).toEqual({ zoneId: 'TYO-A', count: 0, maxCount: 12 });
    });

    it('answers an unknown zone with 404 INVALID_ZONE_NOT_FOUND', async () => {
      expect(expectError(await call('DescribeImageQuota', { zoneIds: ['FRA-A', 'MARS-1'] }), 404, 'INVALID_ZONE_NOT_FOUND')).toContain('MARS-1');
    });

    it.each([['FRA-A'], [[1]], [{ 0: 'FRA-A' }]])('answers zoneIds=%p with 400 INVALID_PARAMETER_TYPE', async (zoneIds) => {
      expect(expectError(await call('DescribeImageQuota', { zoneIds }), 400, 'INVALID_PARAMETER_TYPE')).toContain('zoneIds');
    });
  });

  describe('DescribeZones', () => {
    it('lists every zone with the ZoneInfo fields', async () => {
      const { zoneSet } = expectOk(await call('DescribeZones'));
      expect(zoneSet.map((z: { zoneId: string; zoneName: string }) => [z.zoneId, z.zoneName])).toEqual([
        ['FRA-A', 'Frankfurt A'],
        ['HKG-A', 'Hong Kong A'],
        ['LAX-A', 'Los Angeles A'],
        ['SIN-E', 'Singapore E'],
        ['TYO-A', 'Tokyo A'],
      ]);
      for (const zone of zoneSet) {
        expect(zone).toEqual({
          zoneId: expect.any(String),
          zoneName: expect.any(String),
          supportSecurityGroup: true,
          supportNetworkType: 'VPC',
          supportIpv6: expect.any(Boolean),
          supportCpuPassThrough: expect.any(Boolean),
        });
      }
    });

    it('filters by zoneIds in the order asked', async () => {
      const { zoneSet } = expectOk(await call('DescribeZones', { zoneIds: ['SIN-E', 'HKG-A'] }));
      expect(zoneSet.map((z: { zoneId: string }) => z.zoneId)).toEqual(['SIN-E', 'HKG-A']);
    });

    it('answers an unknown zone with 404 INVALID_ZONE_NOT_FOUND', async () => {
      expectError(await call('DescribeZones', { zoneIds: ['NOPE'] }), 404, 'INVALID_ZONE_NOT_FOUND');
    });
  });

  describe('DescribeImages', () => {
    const ids = (res: RawResponse) => expectOk(res).dataSet.map((i: { imageId: string }) => i.imageId);
    const PUBLIC = ['img-ubuntu-2204', 'img-debian-12', 'img-centos-79', 'img-win-2022'];
    const HKG_CUSTOM = ['img-hkg-app-01', 'img-hkg-app-02', 'img-hkg-cache-01'];

    it('lists public images first, then custom images of the zone by creation, with every ImageInfo field', async () => {
      const { dataSet, totalCount } = expectOk(await call('DescribeImages', { zoneId: 'HKG-A' }));
      expect(totalCount).toBe(7);
      expect(dataSet.map((i: { imageId: string }) => i.imageId)).toEqual([...PUBLIC, ...HKG_CUSTOM]);
      expect(dataSet[0]).toEqual({
        imageId: 'img-ubuntu-2204',
        imageName: 'Ubuntu-22.04',
        imageType: 'PUBLIC_IMAGE',
        imageSize: '20',
        imageDescription: expect.any(String),
        imageVersion: '22.04',
        imageStatus: 'AVAILABLE',
        category: 'Ubuntu',
        osType: 'linux',
      });
      expect(dataSet.find((i: { imageId: string }) => i.imageId === 'img-win-2022')).toMatchObject({ category: 'Windows', osType: 'windows', imageSize: '40' });
    });

    it('lists new images last', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-fra-stopped', imageName: 'fra-1' }));
      expect(ids(await call('DescribeImages', { zoneId: 'FRA-A' }))).toEqual([...PUBLIC, 'img-fra-web-01', 'img-fra-db-01', imageId]);
    });

    it('matches custom images of the zone plus every public image for zoneId', async () => {
      expect(ids(await call('DescribeImages', { zoneId: 'FRA-A' }))).toEqual([...PUBLIC, 'img-fra-web-01', 'img-fra-db-01']);
      expect(ids(await call('DescribeImages', { zoneId: 'TYO-A' }))).toEqual(PUBLIC);
    });

    it('answers an unknown zoneId with 404 INVALID_ZONE_NOT_FOUND', async () => {
      expectError(await call('DescribeImages', { zoneId: 'NOPE' }), 404, 'INVALID_ZONE_NOT_FOUND');
    });

    it.each([
      [{}, 'absent'],
      [{ zoneId: null }, 'null'],
      [{ imageIds: ['img-fra-web-01'], imageType: 'CUSTOM_IMAGE' }, 'absent beside other filters'],
    ])('answers %p (zoneId %s) with 400 MISSING_PARAMETER naming zoneId, and changes nothing', async (params, _why) => {
      const world = async () => ({
        quotas: expectOk(await call('DescribeImageQuota')).images,
        images: await Promise.all(['FRA-A', 'HKG-A', 'TYO-A'].map(async (zoneId) => expectOk(await call('DescribeImages', { zoneId })).dataSet)),
      });
      const before = await world();
      expect(expectError(await call('DescribeImages', params), 400, 'MISSING_PARAMETER')).toContain('zoneId');
      expect(await world()).toEqual(before);
      expect(sim.calls.filter((c) => c.status !== 200)).toEqual([expect.objectContaining({ action: 'DescribeImages', status: 400, code: 'MISSING_PARAMETER' })]);
    });

    it('answers osType lowercase, as Zenlayer does', async () => {
      for (const zoneId of ['FRA-A', 'HKG-A']) {
        const { dataSet } = expectOk(await call('DescribeImages', { zoneId }));
        for (const info of dataSet as { imageId: string; osType: string }[]) {
          expect([info.imageId, info.osType]).toEqual([info.imageId, info.imageId === 'img-win-2022' ? 'windows' : 'linux']);
        }
      }
    });

    it.each([
      ['Linux', ['img-ubuntu-2204', 'img-debian-12', 'img-centos-79', ...HKG_CUSTOM]],
      ['Windows', ['img-win-2022']],
      ['linux', []],
      ['windows', []],
      ['LINUX', []],
      ['Other', []],
    ])('filters osType %p by the documented spelling only', async (osType, expected) => {
      const res = await call('DescribeImages', { zoneId: 'HKG-A', osType });
      expect(ids(res)).toEqual(expected);
      expect(res.body.response.totalCount).toBe(expected.length);
      for (const info of res.body.response.dataSet) expect(info.osType).toBe(osType.toLowerCase());
    });

    it.each([
      [{ zoneId: 'HKG-A', imageIds: ['img-hkg-app-02', 'img-unknown', 'img-debian-12'] }, ['img-debian-12', 'img-hkg-app-02']],
      [{ zoneId: 'FRA-A', imageIds: ['img-hkg-app-02', 'img-debian-12'] }, ['img-debian-12']],
      [{ zoneId: 'FRA-A', imageIds: ['img-unknown'] }, []],
      [{ zoneId: 'FRA-A', imageName: 'fra-db-01' }, ['img-fra-db-01']],
      [{ zoneId: 'FRA-A', imageName: 'fra-db' }, []],
      [{ zoneId: 'HKG-A', imageName: 'hkg-缓存-01' }, ['img-hkg-cache-01']],
      [{ zoneId: 'HKG-A', category: 'CentOS' }, ['img-centos-79', ...HKG_CUSTOM]],
      [{ zoneId: 'FRA-A', osType: 'Windows' }, ['img-win-2022']],
      [{ zoneId: 'HKG-A', imageType: 'PUBLIC_IMAGE' }, PUBLIC],
      [{ imageType: 'CUSTOM_IMAGE', zoneId: 'FRA-A' }, ['img-fra-web-01', 'img-fra-db-01']],
      [{ zoneId: 'FRA-A', imageStatus: 'CREATING' }, []],
      [{ zoneId: 'HKG-A', category: 'Ubuntu' }, ['img-ubuntu-2204']],
    ])('filters by %p', async (filter, expected) => {
      const res = await call('DescribeImages', filter);
      expect(ids(res)).toEqual(expected);
      expect(res.body.response.totalCount).toBe(expected.length);
    });

    it('filters by imageStatus as images change', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'tyo-1' }));
      expect(ids(await call('DescribeImages', { zoneId: 'TYO-A', imageStatus: 'CREATING' }))).toEqual([imageId]);
      sim.setImageStatus('img-fra-db-01', 'UNAVAILABLE');
      expect(ids(await call('DescribeImages', { zoneId: 'FRA-A', imageStatus: 'UNAVAILABLE' }))).toEqual(['img-fra-db-01']);
    });

    it('pages with pageNum and pageSize, totalCount counting every match', async () => {
      // HKG-A lists 7 images: the 4 public ones, then its 3 custom ones.
      const page2 = expectOk(await call('DescribeImages', { zoneId: 'HKG-A', pageNum: 2, pageSize: 3 }));
      expect(page2.dataSet.map((i: { imageId: string }) => i.imageId)).toEqual(['img-win-2022', 'img-hkg-app-01', 'img-hkg-app-02']);
      expect(page2.totalCount).toBe(7);
      expect(ids(await call('DescribeImages', { zoneId: 'HKG-A', pageNum: 3, pageSize: 3 }))).toEqual(['img-hkg-cache-01']);
      expect(expectOk(await call('DescribeImages', { zoneId: 'HKG-A', pageNum: 9, pageSize: 3 }))).toMatchObject({ dataSet: [], totalCount: 7 });
      expect(expectOk(await call('DescribeImages', { zoneId: 'HKG-A', pageSize: 1000 })).dataSet).toHaveLength(7);
      expect(expectOk(await call('DescribeImages', { zoneId: 'HKG-A', pageNum: null, pageSize: null })).dataSet).toHaveLength(7);
    });

    it.each([
      [{ pageSize: 0 }, 'INVALID_PARAMETER_LESS_MINIMUM', 'pageSize'],
      [{ pageSize: 1001 }, 'INVALID_PARAMETER_EXCEED_MAXIMUM', 'pageSize'],
      [{ pageNum: 0 }, 'INVALID_PARAMETER_LESS_MINIMUM', 'pageNum'],
      [{ pageNum: -3 }, 'INVALID_PARAMETER_LESS_MINIMUM', 'pageNum'],
      [{ pageSize: '20' }, 'INVALID_PARAMETER_TYPE', 'pageSize'],
      [{ pageNum: 1.5 }, 'INVALID_PARAMETER_TYPE', 'pageNum'],
      [{ imageType: 'SHARED_IMAGE' }, 'INVALID_PARAMETER_VALUE', 'imageType'],
      [{ imageStatus: 'available' }, 'INVALID_PARAMETER_VALUE', 'imageStatus'],
      [{ imageIds: 'img-debian-12' }, 'INVALID_PARAMETER_TYPE', 'imageIds'],
      [{ imageName: 5 }, 'INVALID_PARAMETER_TYPE', 'imageName'],
      [{ zoneId: ['FRA-A'] }, 'INVALID_PARAMETER_TYPE', 'zoneId'],
      [{ zoneId: 7 }, 'INVALID_PARAMETER_TYPE', 'zoneId'],
      [{ category: true }, 'INVALID_PARAMETER_TYPE', 'category'],
      [{ osType: {} }, 'INVALID_PARAMETER_TYPE', 'osType'],
    ])('answers %p (in zone FRA-A unless it names one) with 400 %s naming %s', async (params, code, name) => {
      expect(expectError(await call('DescribeImages', { zoneId: 'FRA-A', ...params }), 400, code)).toContain(name);
    });
  });

  describe('DescribeInstances', () => {
    const ids = (response: { dataSet?: { instanceId: string }[] }) => (response.dataSet ?? []).map((i) => i.instanceId);

    it('lists every instance with the InstanceInfo fields, totalCount counting them', async () => {
      const response = expectOk(await call('DescribeInstances'));
      expect(response.totalCount).toBe(8);
      expect(ids(response)).toEqual([
        'ins-fra-stopped',
        'ins-fra-running',
        'ins-hkg-stopped',
        'ins-tyo-stopped',
        'ins-sin-stopped',
        'ins-lax-stopped',
        'ins-hkg-booting',
        'ins-tyo-stopping',
      ]);
      expect(response.dataSet[0]).toEqual({
        instanceId: 'ins-fra-stopped',
        zoneId: 'FRA-A',
        instanceName: 'fra-web-1',
        instanceType: expect.any(String),
        cpuCount: 2,
        memory: 4,
        imageId: 'img-ubuntu-2204',
        imageName: 'Ubuntu-22.04',
        instanceChargeType: 'POSTPAID',
        internetChargeType: expect.any(String),
        internetMaxBandwidthOut: expect.any(Number),
        publicIpAddresses: [expect.stringMatching(/^203\.0\.113\./)],
        privateIpAddresses: [expect.stringMatching(/^10\./)],
        createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        instanceStatus: 'STOPPED',
        systemDisk: { diskId: 'disk-fra-stopped-sys', diskSize: 40, diskCategory: expect.any(String) },
      });
    });

    it('filters by instanceIds (unknown ids match nothing), zoneId, instanceStatus and a part of instanceName', async () => {
      expect(ids(expectOk(await call('DescribeInstances', { instanceIds: ['ins-hkg-stopped', 'ins-nope'] })))).toEqual(['ins-hkg-stopped']);
      expect(ids(expectOk(await call('DescribeInstances', { zoneId: 'TYO-A' })))).toEqual(['ins-tyo-stopped', 'ins-tyo-stopping']);
      expect(ids(expectOk(await call('DescribeInstances', { instanceStatus: 'BOOTING' })))).toEqual(['ins-hkg-booting']);
      expect(ids(expectOk(await call('DescribeInstances', { instanceName: 'APP' })))).toEqual(['ins-hkg-stopped', 'ins-hkg-booting']);
      expect(expectOk(await call('DescribeInstances', { instanceIds: ['ins-nope'] }))).toEqual({ requestId: expect.any(String), dataSet: [], totalCount: 0 });
    });

    it('filters by imageId: the instances made from that image, ANDed with the other filters; an unknown id matches nothing', async () => {
      expect(ids(expectOk(await call('DescribeInstances', { imageId: 'img-ubuntu-2204' })))).toEqual(['ins-fra-stopped', 'ins-fra-running', 'ins-sin-stopped']);
      expect(ids(expectOk(await call('DescribeInstances', { imageId: 'img-centos-79', instanceStatus: 'STOPPED' })))).toEqual(['ins-hkg-stopped']);
      expect(ids(expectOk(await call('DescribeInstances', { imageId: 'img-ubuntu-2204', zoneId: 'SIN-E' })))).toEqual(['ins-sin-stopped']);
      expect(expectOk(await call('DescribeInstances', { imageId: 'img-fra-web-01' }))).toEqual({ requestId: expect.any(String), dataSet: [], totalCount: 0 });
      expect(expectOk(await call('DescribeInstances', { imageId: 'img-nope' }))).toEqual({ requestId: expect.any(String), dataSet: [], totalCount: 0 });
      const paged = expectOk(await call('DescribeInstances', { imageId: 'img-ubuntu-2204', pageNum: 2, pageSize: 2 }));
      expect({ ids: ids(paged), totalCount: paged.totalCount }).toEqual({ ids: ['ins-sin-stopped'], totalCount: 3 });
    });

    it.each([[1], [['img-ubuntu-2204']], [{ id: 'img-ubuntu-2204' }], [true]])('answers imageId=%p with 400 INVALID_PARAMETER_TYPE naming it', async (imageId) => {
      expect(expectError(await call('DescribeInstances', { imageId }), 400, 'INVALID_PARAMETER_TYPE')).toContain('imageId');
    });

    it('names, for every instance, an image DescribeImages lists in its zone', async () => {
      for (const info of expectOk(await call('DescribeInstances')).dataSet as { zoneId: string; imageId: string; imageName: string }[]) {
        const images = expectOk(await call('DescribeImages', { zoneId: info.zoneId, imageIds: [info.imageId] })).dataSet;
        expect(images.map((image: { imageId: string; imageName: string }) => [image.imageId, image.imageName])).toEqual([[info.imageId, info.imageName]]);
      }
    });

    it('adds an instance made from a custom image of its zone, naming that image; a custom image of another zone is refused', async () => {
      sim.addInstance('ins-fra-web-2', 'FRA-A', 'RUNNING', 'img-fra-web-01');
      const [info] = expectOk(await call('DescribeInstances', { imageId: 'img-fra-web-01' })).dataSet;
      expect(info).toMatchObject({ instanceId: 'ins-fra-web-2', zoneId: 'FRA-A', imageId: 'img-fra-web-01', imageName: 'fra-web-01', instanceStatus: 'RUNNING' });
      sim.addInstance('ins-tyo-win', 'TYO-A', 'STOPPED', 'img-win-2022');
      expect(ids(expectOk(await call('DescribeInstances', { imageId: 'img-win-2022' })))).toEqual(['ins-lax-stopped', 'ins-tyo-win']);
      expect(() => sim.addInstance('ins-hkg-web', 'HKG-A', 'STOPPED', 'img-fra-web-01')).toThrow(/FRA-A/);
      expect(() => sim.addInstance('ins-fra-x', 'FRA-A', 'STOPPED', 'img-nope')).toThrow(/img-nope/);
    });

    it('pages with pageNum and pageSize', async () => {
      const second = expectOk(await call('DescribeInstances', { pageNum: 2, pageSize: 3 }));
      expect({ ids: ids(second), totalCount: second.totalCount }).toEqual({ ids: ['ins-tyo-stopped', 'ins-sin-stopped', 'ins-lax-stopped'], totalCount: 8 });
    });

    it('answers an unknown zoneId with 404 INVALID_ZONE_NOT_FOUND', async () => {
      expectError(await call('DescribeInstances', { zoneId: 'MARS-1' }), 404, 'INVALID_ZONE_NOT_FOUND');
    });

    it('lists an added instance last; reset removes it', async () => {
      sim.addInstance('ins-fra-extra', 'FRA-A', 'BOOTING');
      const listed = expectOk(await call('DescribeInstances', { zoneId: 'FRA-A' })).dataSet;
      expect(listed.map((i: { instanceId: string; instanceStatus: string }) => [i.instanceId, i.instanceStatus])).toEqual([
        ['ins-fra-stopped', 'STOPPED'],
        ['ins-fra-running', 'RUNNING'],
        ['ins-fra-extra', 'BOOTING'],
      ]);
      expect(() => sim.addInstance('ins-fra-extra', 'FRA-A')).toThrow(/exists/);
      expect(() => sim.addInstance('ins-mars', 'MARS-1')).toThrow(/MARS-1/);
      sim.reset();
      expect(expectOk(await call('DescribeInstances')).totalCount).toBe(8);
    });

        it('shows status changes and omits an unavailable system disk', async () => {
      sim.setInstanceStatus('ins-fra-running', 'STOPPING');
      sim.setSystemDiskAvailable('ins-fra-running', false);
      const [info] = expectOk(await call('DescribeInstances', { instanceIds: ['ins-fra-running'] })).dataSet;
      expect(info.instanceStatus).toBe('STOPPING');
      expect(info).not.toHaveProperty('systemDisk');
    });
  });

  describe('DescribeImage', () => {
    it('answers the ImageInfo fields at the top level of response', async () => {
      const res = await call('DescribeImage', { imageId: 'img-hkg-cache-01' });
      expect(res.body.response).toEqual({
        requestId: res.body.requestId,
        imageId: 'img-hkg-cache-01',
        imageName: 'hkg-缓存-01',
        imageType: 'CUSTOM_IMAGE',
        imageSize: '60',
        imageDescription: 'Redis cache node',
        imageVersion: '7.9',
        imageStatus: 'AVAILABLE',
        category: 'CentOS',
        osType: 'linux',
      });
    });

    it('answers an unknown id with 404 INVALID_IMAGE_NOT_FOUND', async () => {
      expectError(await call('DescribeImage', { imageId: 'img-000000000000' }), 404, 'INVALID_IMAGE_NOT_FOUND');
    });

    it('requires imageId', async () => {
      expect(expectError(await call('DescribeImage', {}), 400, 'MISSING_PARAMETER')).toContain('imageId');
      expectError(await call('DescribeImage', { imageId: 7 }), 400, 'INVALID_PARAMETER_TYPE');
    });
  });

  describe('CreateImage', () => {
    it('creates a CREATING custom image sized like the system disk, AVAILABLE after the delay', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'tyo-golden', imageDescription: 'base' }));
      expect(imageId).toMatch(/^img-[0-9a-f]{12}$/);
      expect(await image(imageId)).toMatchObject({
        imageId,
        imageName: 'tyo-golden',
        imageType: 'CUSTOM_IMAGE',
        imageSize: '50',
        imageDescription: 'base',
        imageVersion: '12',
        imageStatus: 'CREATING',
        category: 'Debian',
        osType: 'linux',
      });
      readyDelayPasses();
      expect((await image(imageId)).imageStatus).toBe('AVAILABLE');
    });

    it('counts the image against the instance zone quota', async () => {
      expectOk(await call('CreateImage', { instanceId: 'ins-hkg-stopped', imageName: 'hkg-4' }));
      expect(await quota('HKG-A')).toEqual({ zoneId: 'HKG-A', count: 4, maxCount: 5 });
    });

    it('leaves the description out when none is given', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'tyo-1' }));
      expect(await image(imageId)).not.toHaveProperty('imageDescription');
    });

    it.each([
      ['镜像'.repeat(12), 'twenty-four Chinese characters'],
      ['a', 'one letter'],
      ['Web_Server-2024', 'letters, digits, - and _'],
    ])('accepts the name %p (%s)', async (imageName) => {
      expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName }));
    });

    it.each([
      [{ imageName: 'x' }, 'MISSING_PARAMETER', 'instanceId'],
      [{ instanceId: 'ins-tyo-stopped' }, 'MISSING_PARAMETER', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: null }, 'MISSING_PARAMETER', 'imageName'],
      [{ instanceId: 42, imageName: 'x' }, 'INVALID_PARAMETER_TYPE', 'instanceId'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 7 }, 'INVALID_PARAMETER_TYPE', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: '' }, 'INVALID_PARAMETER_LESS_LENGTH', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'a'.repeat(25) }, 'INVALID_PARAMETER_EXCEED_LENGTH', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: '镜'.repeat(25) }, 'INVALID_PARAMETER_EXCEED_LENGTH', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'web server' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'web.01' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'café' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'web-😀' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'x', imageDescription: 'd'.repeat(256) }, 'INVALID_PARAMETER_EXCEED_LENGTH', 'imageDescription'],
      [{ instanceId: 'ins-tyo-stopped', imageName: 'x', imageDescription: 3 }, 'INVALID_PARAMETER_TYPE', 'imageDescription'],
      [{ instanceId: 'ins-nope', imageName: 'bad name' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
    ])('answers %p with 400 %s naming %s', async (params, code, name) => {
      expect(expectError(await call('CreateImage', params), 400, code)).toContain(name);
      expect(await quota('TYO-A')).toMatchObject({ count: 0 });
    });

    it('names the rule in the image name message', async () => {
      const message = expectError(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'a b' }), 400, 'INVALID_PARAMETER_PATTERN_ERROR');
      expect(message).toBe('imageName must be 1 to 24 characters of Chinese characters, letters, digits, - or _');
    });

    it('accepts a 255-character description', async () => {
      expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x', imageDescription: '描'.repeat(255) }));
    });

    it('answers an unknown instance with 404 INVALID_INSTANCE_NOT_FOUND', async () => {
      expectError(await call('CreateImage', { instanceId: 'ins-nope', imageName: 'x' }), 404, 'INVALID_INSTANCE_NOT_FOUND');
    });

    it.each([['ins-sin-stopped'], ['ins-lax-stopped']])('refuses %s: the zone does not support it', async (instanceId) => {
      expectError(await call('CreateImage', { instanceId, imageName: 'x' }), 400, 'UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT');
    });

    it('checks zone support before the instance state', async () => {
      sim.setInstanceStatus('ins-sin-stopped', 'RUNNING');
      expectError(await call('CreateImage', { instanceId: 'ins-sin-stopped', imageName: 'x' }), 400, 'UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT');
    });

    it('refuses a running instance, and accepts it once stopped', async () => {
      expectError(await call('CreateImage', { instanceId: 'ins-fra-running', imageName: 'x' }), 400, 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING');
      sim.setInstanceStatus('ins-fra-running', 'STOPPED');
      expectOk(await call('CreateImage', { instanceId: 'ins-fra-running', imageName: 'x' }));
      sim.setInstanceStatus('ins-tyo-stopped', 'RUNNING');
      expectError(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }), 400, 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING');
    });

    it('refuses a second image of a disk still being imaged, until the first is AVAILABLE', async () => {
      expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'first' }));
      expectError(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'second' }), 400, 'UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE');
      readyDelayPasses();
      expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'second' }));
    });

    it('refuses an instance whose system disk is unavailable, after the instance state', async () => {
      sim.setSystemDiskAvailable('ins-tyo-stopped', false);
      expectError(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }), 400, 'UNSUPPORTED_OPERATION_DISK_UNAVAILABLE');
      sim.setInstanceStatus('ins-tyo-stopped', 'RUNNING');
      expectError(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }), 400, 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING');
      sim.setInstanceStatus('ins-tyo-stopped', 'STOPPED');
      sim.setSystemDiskAvailable('ins-tyo-stopped', true);
      expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }));
    });

    it('checks the disk before the quota', async () => {
      sim.setQuota('TYO-A', 1);
      expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'first' }));
      expectError(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'second' }), 400, 'UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE');
    });

    it('refuses a zone at its quota with LIMIT_EXCEEDED_IMAGE_QUOTA, counting CREATING images too', async () => {
      sim.setQuota('FRA-A', 3);
      expectOk(await call('CreateImage', { instanceId: 'ins-fra-stopped', imageName: 'third' }));
      sim.setInstanceStatus('ins-fra-running', 'STOPPED');
      expectError(await call('CreateImage', { instanceId: 'ins-fra-running', imageName: 'fourth' }), 400, 'LIMIT_EXCEEDED_IMAGE_QUOTA');
      expect(await quota('FRA-A')).toEqual({ zoneId: 'FRA-A', count: 3, maxCount: 3 });
    });

    it('fills the default quota of 5', async () => {
      sim.setInstanceStatus('ins-fra-running', 'STOPPED');
      expectOk(await call('CreateImage', { instanceId: 'ins-fra-stopped', imageName: 'three' }));
      expectOk(await call('CreateImage', { instanceId: 'ins-fra-running', imageName: 'four' }));
      readyDelayPasses();
      expectOk(await call('CreateImage', { instanceId: 'ins-fra-stopped', imageName: 'five' }));
      readyDelayPasses();
      expectError(await call('CreateImage', { instanceId: 'ins-fra-stopped', imageName: 'six' }), 400, 'LIMIT_EXCEEDED_IMAGE_QUOTA');
    });

    it('frees quota when an image is deleted', async () => {
      sim.setQuota('HKG-A', 3);
      expectError(await call('CreateImage', { instanceId: 'ins-hkg-stopped', imageName: 'x' }), 400, 'LIMIT_EXCEEDED_IMAGE_QUOTA');
      expectOk(await call('DeleteImages', { imageIds: ['img-hkg-app-01'] }));
      expectOk(await call('CreateImage', { instanceId: 'ins-hkg-stopped', imageName: 'x' }));
    });
  });

  describe('ModifyImagesAttributes', () => {
    it('renames and re-describes every listed image, answering only requestId', async () => {
      const res = await call('ModifyImagesAttributes', { imageIds: ['img-hkg-app-01', 'img-hkg-app-02'], imageName: 'app', imageDescription: '应用' });
      expect(expectOk(res)).toEqual({ requestId: res.body.requestId });
      for (const id of ['img-hkg-app-01', 'img-hkg-app-02']) expect(await image(id)).toMatchObject({ imageName: 'app', imageDescription: '应用' });
    });

    it('changes only what is given', async () => {
      expectOk(await call('ModifyImagesAttributes', { imageIds: ['img-fra-db-01'], imageDescription: '' }));
      expect(await image('img-fra-db-01')).toMatchObject({ imageName: 'fra-db-01', imageDescription: '' });
      expectOk(await call('ModifyImagesAttributes', { imageIds: ['img-fra-db-01'] }));
    });

    it('refuses a CREATING image with 400 INVALID_IMAGE_STATUS and changes nothing, then modifies it once AVAILABLE', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }));
      const params = { imageIds: ['img-fra-web-01', imageId], imageName: 'y', imageDescription: 'changed' };
      expect(expectError(await call('ModifyImagesAttributes', params), 400, 'INVALID_IMAGE_STATUS')).toContain(imageId);
      expect(await image('img-fra-web-01')).toMatchObject({ imageName: 'fra-web-01', imageDescription: 'Nginx web tier golden image' });
      expect(await image(imageId)).toMatchObject({ imageName: 'x', imageStatus: 'CREATING' });
      readyDelayPasses();
      expectOk(await call('ModifyImagesAttributes', params));
      expect((await image(imageId)).imageName).toBe('y');
    });

    it('answers an unknown id before a CREATING one', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }));
      expectError(await call('ModifyImagesAttributes', { imageIds: [imageId, 'img-nope'], imageName: 'y' }), 404, 'INVALID_IMAGE_NOT_FOUND');
    });

    it('modifies an UNAVAILABLE image', async () => {
      sim.setImageStatus('img-fra-db-01', 'UNAVAILABLE');
      expectOk(await call('ModifyImagesAttributes', { imageIds: ['img-fra-db-01'], imageName: 'failed' }));
      expect((await image('img-fra-db-01')).imageName).toBe('failed');
    });

    it.each([
      ['an unknown image', ['img-fra-web-01', 'img-nope']],
      ['a public image', ['img-fra-web-01', 'img-debian-12']],
    ])('answers %s with 404 INVALID_IMAGE_NOT_FOUND and changes nothing', async (_case, imageIds) => {
      expect(expectError(await call('ModifyImagesAttributes', { imageIds, imageName: 'renamed' }), 404, 'INVALID_IMAGE_NOT_FOUND')).toContain(imageIds[1]);
      expect((await image('img-fra-web-01')).imageName).toBe('fra-web-01');
    });

    it.each([
      [{}, 'MISSING_PARAMETER', 'imageIds'],
      [{ imageIds: [] }, 'MISSING_PARAMETER', 'imageIds'],
      [{ imageIds: 'img-fra-web-01' }, 'INVALID_PARAMETER_TYPE', 'imageIds'],
      [{ imageIds: ['img-fra-web-01'], imageName: '' }, 'INVALID_PARAMETER_LESS_LENGTH', 'imageName'],
      [{ imageIds: ['img-fra-web-01'], imageName: 'n'.repeat(25) }, 'INVALID_PARAMETER_EXCEED_LENGTH', 'imageName'],
      [{ imageIds: ['img-fra-web-01'], imageName: 'a/b' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
      [{ imageIds: ['img-fra-web-01'], imageDescription: 'd'.repeat(256) }, 'INVALID_PARAMETER_EXCEED_LENGTH', 'imageDescription'],
      [{ imageIds: ['img-nope'], imageName: 'a b' }, 'INVALID_PARAMETER_PATTERN_ERROR', 'imageName'],
    ])('answers %p with 400 %s naming %s', async (params, code, name) => {
      expect(expectError(await call('ModifyImagesAttributes', params), 400, code)).toContain(name);
    });
  });

  describe('DeleteImages', () => {
    it('deletes every listed image and frees their quota', async () => {
      const res = await call('DeleteImages', { imageIds: ['img-hkg-app-01', 'img-hkg-cache-01'] });
      expect(expectOk(res)).toEqual({ requestId: res.body.requestId });
      expectError(await call('DescribeImage', { imageId: 'img-hkg-app-01' }), 404, 'INVALID_IMAGE_NOT_FOUND');
      expect(await quota('HKG-A')).toMatchObject({ count: 1 });
    });

    it.each([
      ['an unknown image', ['img-fra-web-01', 'img-nope']],
      ['a public image', ['img-fra-web-01', 'img-ubuntu-2204']],
    ])('answers %s with 404 INVALID_IMAGE_NOT_FOUND and deletes nothing', async (_case, imageIds) => {
      expectError(await call('DeleteImages', { imageIds }), 404, 'INVALID_IMAGE_NOT_FOUND');
      expect(await quota('FRA-A')).toMatchObject({ count: 2 });
    });

    it('refuses a CREATING image with 400 INVALID_IMAGE_STATUS and deletes nothing, then deletes it once AVAILABLE', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }));
      expectError(await call('DeleteImages', { imageIds: [imageId, 'img-fra-web-01'] }), 400, 'INVALID_IMAGE_STATUS');
      expect((await image('img-fra-web-01')).imageStatus).toBe('AVAILABLE');
      readyDelayPasses();
      expectOk(await call('DeleteImages', { imageIds: [imageId, 'img-fra-web-01'] }));
    });

    it('deletes an UNAVAILABLE image', async () => {
      sim.setImageStatus('img-fra-db-01', 'UNAVAILABLE');
      expectOk(await call('DeleteImages', { imageIds: ['img-fra-db-01'] }));
    });

    it.each([
      [{}, 'MISSING_PARAMETER'],
      [{ imageIds: [] }, 'MISSING_PARAMETER'],
      [{ imageIds: [1] }, 'INVALID_PARAMETER_TYPE'],
    ])('answers %p with 400 %s', async (params, code) => {
      expectError(await call('DeleteImages', params), 400, code);
    });
  });

  describe('test controls', () => {
    it('reset restores the seed world', async () => {
      expectOk(await call('DeleteImages', { imageIds: ['img-fra-web-01'] }));
      sim.setQuota('FRA-A', 9);
      sim.reset();
      expect(await quota('FRA-A')).toEqual({ zoneId: 'FRA-A', count: 2, maxCount: 5 });
    });

    it('reset cancels pending image transitions of the old world', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }));
      sim.reset();
      expectError(await call('DescribeImage', { imageId }), 404, 'INVALID_IMAGE_NOT_FOUND');
    });

    it('a forced status is not overwritten by the pending transition', async () => {
      const { imageId } = expectOk(await call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: 'x' }));
      sim.setImageStatus(imageId, 'UNAVAILABLE');
      readyDelayPasses();
      expect((await image(imageId)).imageStatus).toBe('UNAVAILABLE');
    });

    it('rejects unknown ids and bad quotas', () => {
      expect(() => sim.setInstanceStatus('ins-nope', 'RUNNING')).toThrow(/ins-nope/);
      expect(() => sim.setSystemDiskAvailable('ins-nope', false)).toThrow(/ins-nope/);
      expect(() => sim.setQuota('NOPE', 1)).toThrow(/NOPE/);
      expect(() => sim.setQuota('FRA-A', -1)).toThrow(RangeError);
      expect(() => sim.setQuota('FRA-A', 1.5)).toThrow(RangeError);
      expect(() => sim.setImageStatus('img-nope', 'AVAILABLE')).toThrow(/img-nope/);
    });
  });
});
