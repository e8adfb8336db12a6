import { Logger } from '@nestjs/common';
import { GatewayError } from '../../common/errors';
import type { GatewayConfig } from '../../config';
import { MAX_PAGE_SIZE } from '../../common/validation/rules';
import type { ImageInfo, ServiceCallOptions, ZenlayerActionName, ZenlayerService } from '../../upstream/zenlayer';
import { ZoneDirectory } from '../zones/zone-directory';
import { MemoryZoneMemory } from '../zones/zone-memory.store';
import type { ZonesService } from '../zones/zones.service';
import { MemoryIdempotencyStore } from './idempotency.store';
import { IdempotentCreateService, ImageMaker } from './idempotent-create.service';
import { ImageOrigins, MemoryImageOrigins } from './image-origins.store';
import { ImagesService } from './images.service';
import { ImageStatus, ImageType } from './models/image.model';

const info = (imageId: string, fields: Partial<ImageInfo> = {}): ImageInfo => ({
  imageId,
  imageName: imageId,
  imageType: 'CUSTOM_IMAGE',
  imageStatus: 'AVAILABLE',
  imageSize: '20',
  ...fields,
});

type Request = Record<string, any>;

interface Call {
  action: ZenlayerActionName;
  request: Request;
  options?: ServiceCallOptions;
}

/**
 * Zenlayer as ZenlayerService shows it: each action answers what its script says, and every call
 * is noted. As Zenlayer does, it refuses a DescribeImages that names no zone.
 */
class FakeZenlayer {
  readonly calls: Call[] = [];
  constructor(private readonly answers: Partial<Record<ZenlayerActionName, (request: Request) => unknown>> = {}) {}

  readonly call = async (action: ZenlayerActionName, request: Request, options?: ServiceCallOptions) => {
    this.calls.push({ action, request, ...(options && { options }) });
    if (action === 'DescribeImages' && (typeof request.zoneId !== 'string' || request.zoneId === '')) {
      throw new GatewayError('UPSTREAM_ERROR', 'DescribeImages without a zoneId (MISSING_PARAMETER)');
    }
    const answer = this.answers[action];
    if (!answer) throw new Error(`unexpected upstream call ${action}`);
    return { requestId: `req-${this.calls.length}`, response: answer(request) };
  };

  actions(): ZenlayerActionName[] {
    return this.calls.map((c) => c.action);
  }

  /** The requests of one action, in the order sent. */
  requests(action: ZenlayerActionName): Request[] {
    return this.calls.filter((c) => c.action === action).map((c) => c.request);
  }
}

/** An account at Zenlayer: each zone's custom images, the public images every zone offers, and the instances. */
interface Account {
  zones: Record<string, ImageInfo[]>;
  publicImages?: ImageInfo[];
  instances?: Array<{ instanceId: string; zoneId: string }>;
}

/** DescribeImages over an account: one zone's custom images and the public ones, filtered and paged as Zenlayer does. */
const describeImagesOf =
  ({ zones, publicImages = [] }: Account) =>
  (request: Request) => {
    let matches = [...(zones[request.zoneId] ?? []), ...publicImages];
    if (request.imageIds) matches = matches.filter((image) => request.imageIds.includes(image.imageId));
    if (request.imageType) matches = matches.filter((image) => image.imageType === request.imageType);
    if (request.imageStatus) matches = matches.filter((image) => image.imageStatus === request.imageStatus);
    // Zenlayer's name filter is looser than an exact match.
    if (request.imageName) matches = matches.filter((image) => image.imageName.toLowerCase().includes(request.imageName.toLowerCase()));
    const pageNum = request.pageNum ?? 1;
    const pageSize = request.pageSize ?? 20;
    return { dataSet: matches.slice((pageNum - 1) * pageSize, pageNum * pageSize), totalCount: matches.length };
  };

/** Zenlayer holding `account`: its images, its instances, and CreateImage making img-new-1, img-new-2, ... */
const zenlayerOf = (account: Account, answers: Partial<Record<ZenlayerActionName, (request: Request) => unknown>> = {}) => {
  let made = 0;
  return new FakeZenlayer({
    DescribeImages: describeImagesOf(account),
    DescribeInstances: (request) => ({
      dataSet: (account.instances ?? []).filter((instance) => !request.instanceIds || request.instanceIds.includes(instance.instanceId)),
    }),
    CreateImage: () => ({ imageId: `img-new-${++made}` }),
    ...answers,
  });
};

const config = { idempotencyTtlSeconds: 86400, idempotencySettleSeconds: 60, requestDeadlineMs: 30000 } as GatewayConfig;

describe(ImagesService.name, () => {
  const closers: Array<{ close(): void }> = [];
  const fakes: FakeZenlayer[] = [];
  afterEach(() => {
    // Whatever a test did, every DescribeImages it sent named a zone.
    for (const fake of fakes.splice(0)) for (const request of fake.requests('DescribeImages')) expect(request.zoneId).toEqual(expect.any(String));
    closers.splice(0).forEach((c) => c.close());
    jest.restoreAllMocks();
  });
  const silencedWarnings = () => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

  interface Options {
    /** The account's zones as DescribeZones lists them; by default the zones of `zenlayer`'s account. */
    zones?: string[];
    origins?: ImageOrigins;
    idempotent?: IdempotentCreateService;
  }

  const make = (zenlayer: FakeZenlayer, { zones = ['FRA-A'], origins = new MemoryImageOrigins(), idempotent }: Options = {}) => {
    fakes.push(zenlayer);
    const store = new MemoryIdempotencyStore();
    const memory = new MemoryZoneMemory();
    closers.push(store, memory);
    if (origins instanceof MemoryImageOrigins) closers.push(origins);
    const zonesService = { list: jest.fn(async () => zones.map((id) => ({ id }))) };
    const directory = new ZoneDirectory(zonesService as unknown as ZonesService, zenlayer as unknown as ZenlayerService, memory);
    const service = new ImagesService(zenlayer as unknown as ZenlayerService, directory, origins, idempotent ?? new IdempotentCreateService(store, config));
    return { service, memory, origins, directory };
  };

  /** A service over `account`, whose zones are the account's (in the order given, not sorted). */
  const over = (account: Account, options: Omit<Options, 'zones'> = {}) => {
    const zenlayer = zenlayerOf(account);
    return { zenlayer, ...make(zenlayer, { zones: Object.keys(account.zones), ...options }) };
  };

  describe('list in a zone', () => {
    it('asks that zone once, for the filter and page in the wire names, and maps each image with the zone', async () => {
      const zenlayer = new FakeZenlayer({
        DescribeImages: () => ({
          dataSet: [info('img-1', { imageName: 'web', imageDescription: 'd', category: 'Ubuntu', osType: 'linux' }), info('img-2', { imageSize: '' })],
          totalCount: 42,
        }),
      });
      const { service } = make(zenlayer);
      const page = await service.list(
        { name: 'web', zoneId: 'FRA-A', type: ImageType.CUSTOM_IMAGE, status: ImageStatus.AVAILABLE, category: 'Ubuntu', osType: 'Linux', ids: ['img-1', 'img-2'] },
        3,
        2,
      );
      expect(zenlayer.requests('DescribeImages')).toEqual([
        {
          imageIds: ['img-1', 'img-2'],
          imageName: 'web',
          zoneId: 'FRA-A',
          category: 'Ubuntu',
          imageType: 'CUSTOM_IMAGE',
          osType: 'Linux',
          imageStatus: 'AVAILABLE',
          pageNum: 3,
          pageSize: 2,
        },
      ]);
      expect(zenlayer.actions()).toEqual(['DescribeImages']);
      expect(page).toEqual({
        items: [
          { id: 'img-1', name: 'web', type: ImageType.CUSTOM_IMAGE, status: ImageStatus.AVAILABLE, sizeGb: 20, description: 'd', version: null, category: 'Ubuntu', osType: 'linux', zoneId: 'FRA-A' },
          { id: 'img-2', name: 'img-2', type: ImageType.CUSTOM_IMAGE, status: ImageStatus.AVAILABLE, sizeGb: null, description: null, version: null, category: null, osType: null, zoneId: 'FRA-A' },
        ],
        totalCount: 42,
        page: 3,
        pageSize: 2,
      });
    });

    it('names every field the client filled as theirs, so that a refusal of one is BAD_USER_INPUT', async () => {
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({}) });
      await make(zenlayer).service.list({ zoneId: 'FRA-A', name: 'web' });
      const [{ options }] = zenlayer.calls;
      expect(options?.clientFields).toEqual(expect.arrayContaining(['zoneId', 'imageIds', 'imageName', 'category', 'imageType', 'osType', 'imageStatus', 'pageNum', 'pageSize']));
    });

    it('reads an omitted list as empty and an omitted total as the length of the page', async () => {
      const empty = await make(new FakeZenlayer({ DescribeImages: () => ({}) })).service.list({ zoneId: 'FRA-A' });
      expect(empty).toEqual({ items: [], totalCount: 0, page: 1, pageSize: 20 });
      const untotalled = await make(new FakeZenlayer({ DescribeImages: () => ({ dataSet: [info('img-1')] }) })).service.list({ zoneId: 'FRA-A' });
      expect(untotalled).toMatchObject({ items: [{ id: 'img-1', zoneId: 'FRA-A' }], totalCount: 1 });
    });

    it('lists public images in the zone asked, and remembers where every image listed was seen', async () => {
      const { zenlayer, service } = over({ zones: { 'FRA-A': [info('img-fra')], 'HKG-A': [info('img-hkg')] }, publicImages: [info('img-ubuntu', { imageType: 'PUBLIC_IMAGE' })] });
      const page = await service.list({ zoneId: 'HKG-A' });
      expect(page.items.map((image) => [image.id, image.zoneId])).toEqual([
        ['img-hkg', 'HKG-A'],
        ['img-ubuntu', 'HKG-A'],
      ]);
      zenlayer.calls.length = 0;
      await expect(service.findByIds(['img-hkg', 'img-ubuntu'])).resolves.toMatchObject([{ id: 'img-hkg' }, { id: 'img-ubuntu' }]);
      expect(zenlayer.requests('DescribeImages')).toEqual([expect.objectContaining({ zoneId: 'HKG-A', imageIds: ['img-hkg', 'img-ubuntu'] })]);
    });

    it.each([
      ['linux', 'Linux'],
      ['LINUX', 'Linux'],
      ['Linux', 'Linux'],
      ['windows', 'Windows'],
      ['WINDOWS', 'Windows'],
      ['Solaris', 'Solaris'],
    ])('sends the os type %s as Zenlayer documents it: %s', async (given, sent) => {
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({}) });
      await make(zenlayer).service.list({ zoneId: 'FRA-A', osType: given });
      expect(zenlayer.requests('DescribeImages')).toEqual([expect.objectContaining({ osType: sent })]);
    });
  });

  describe('list without a zone', () => {
    /** HKG-A listed first by Zenlayer, FRA-A holding three custom images, HKG-A two, SIN-A none; a public image everywhere. */
    const account: Account = {
      zones: {
        'HKG-A': [info('img-h1'), info('img-h2')],
        'SIN-A': [],
        'FRA-A': [info('img-f1'), info('img-f2'), info('img-f3', { imageStatus: 'CREATING' })],
      },
      publicImages: [info('img-ubuntu', { imageType: 'PUBLIC_IMAGE' })],
    };

    it('lists the custom images of every zone, one DescribeImages per zone, merged in zone order', async () => {
      const { zenlayer, service } = over(account);
      const page = await service.list({}, 1, 20);
      expect(page.items.map((image) => [image.id, image.zoneId])).toEqual([
        ['img-f1', 'FRA-A'],
        ['img-f2', 'FRA-A'],
        ['img-f3', 'FRA-A'],
        ['img-h1', 'HKG-A'],
        ['img-h2', 'HKG-A'],
      ]);
      expect(page.totalCount).toBe(5);
      const requests = zenlayer.requests('DescribeImages');
      expect(requests.map((request) => request.zoneId).sort()).toEqual(['FRA-A', 'HKG-A', 'SIN-A']);
      expect(requests).toEqual(requests.map(() => expect.objectContaining({ imageType: 'CUSTOM_IMAGE', pageNum: 1, pageSize: MAX_PAGE_SIZE })));
    });

    it('pages the merged list stably: each page continues the one before, the total is the sum of the zones', async () => {
      const { service } = over(account);
      const pages = [await service.list({}, 1, 2), await service.list({}, 2, 2), await service.list({}, 3, 2), await service.list({}, 4, 2)];
      expect(pages.map((page) => page.items.map((image) => image.id))).toEqual([['img-f1', 'img-f2'], ['img-f3', 'img-h1'], ['img-h2'], []]);
      expect(pages.map((page) => page.totalCount)).toEqual([5, 5, 5, 5]);
      expect(pages.map((page) => [page.page, page.pageSize])).toEqual([
        [1, 2],
        [2, 2],
        [3, 2],
        [4, 2],
      ]);
    });

    it('passes the filter on to every zone', async () => {
      const { zenlayer, service } = over(account);
      const page = await service.list({ status: ImageStatus.CREATING, osType: 'linux', type: ImageType.CUSTOM_IMAGE });
      expect(page.items.map((image) => image.id)).toEqual(['img-f3']);
      expect(zenlayer.requests('DescribeImages')).toEqual(
        ['FRA-A', 'HKG-A', 'SIN-A'].map((zoneId) => expect.objectContaining({ zoneId, imageStatus: 'CREATING', osType: 'Linux', imageType: 'CUSTOM_IMAGE' })),
      );
    });

    it('reads every page of a zone holding more custom images than one answer', async () => {
      const many = Array.from({ length: MAX_PAGE_SIZE + 1 }, (_, i) => info(`img-${String(i).padStart(5, '0')}`));
      const { zenlayer, service } = over({ zones: { 'FRA-A': many, 'HKG-A': [info('img-h1')] } });
      const page = await service.list({}, 2, MAX_PAGE_SIZE);
      expect(page.items.map((image) => image.id)).toEqual([many[MAX_PAGE_SIZE].imageId, 'img-h1']);
      expect(page.totalCount).toBe(MAX_PAGE_SIZE + 2);
      expect(zenlayer.requests('DescribeImages').map((request) => [request.zoneId, request.pageNum])).toEqual(
        expect.arrayContaining([
          ['FRA-A', 1],
          ['FRA-A', 2],
          ['HKG-A', 1],
        ]),
      );
      expect(zenlayer.requests('DescribeImages')).toHaveLength(3);
    });

    it('remembers the zone of every image listed across zones', async () => {
      const { zenlayer, service } = over(account);
      await service.list();
      zenlayer.calls.length = 0;
      await service.findByIds(['img-h2']);
      expect(zenlayer.requests('DescribeImages')).toEqual([expect.objectContaining({ zoneId: 'HKG-A', imageIds: ['img-h2'] })]);
    });

    it('refuses public images without a zone, naming zoneId, before calling Zenlayer', async () => {
      const { zenlayer, service } = over(account);
      const error = await service.list({ type: ImageType.PUBLIC_IMAGE }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'zoneId', reasons: [expect.stringMatching(/public images/)] }] } });
      expect(zenlayer.calls).toEqual([]);
    });

    it('looks up images by id wherever they are, and pages them', async () => {
      const { zenlayer, service, memory } = over(account);
      await memory.remember('image', [
        ['img-f2', 'FRA-A'],
        ['img-h1', 'HKG-A'],
      ]);
      const page = await service.list({ ids: ['img-h1', 'img-f2', 'img-gone'] }, 1, 2);
      expect(page).toMatchObject({ totalCount: 2, page: 1, pageSize: 2, items: [{ id: 'img-h1', zoneId: 'HKG-A' }, { id: 'img-f2', zoneId: 'FRA-A' }] });
      expect(zenlayer.requests('DescribeImages').every((request) => request.imageType === undefined)).toBe(true);
    });

    it('applies the filter to a lookup by id, public images included', async () => {
      const { service, memory } = over(account);
      await memory.remember('image', [
        ['img-f1', 'FRA-A'],
        ['img-f3', 'FRA-A'],
        ['img-ubuntu', 'HKG-A'],
      ]);
      await expect(service.list({ ids: ['img-f1', 'img-f3'], status: ImageStatus.CREATING })).resolves.toMatchObject({ items: [{ id: 'img-f3' }], totalCount: 1 });
      await expect(service.list({ ids: ['img-ubuntu'], type: ImageType.PUBLIC_IMAGE })).resolves.toMatchObject({ items: [{ id: 'img-ubuntu', zoneId: 'HKG-A' }] });
    });
  });

  describe('findByIds', () => {
    it('answers in the order asked, null where no image exists, with one call per remembered zone holding only its ids', async () => {
      const { zenlayer, service, memory } = over({ zones: { 'FRA-A': [info('img-a'), info('img-c')], 'HKG-A': [info('img-b')] } });
      await memory.remember('image', [
        ['img-a', 'FRA-A'],
        ['img-b', 'HKG-A'],
        ['img-c', 'FRA-A'],
        ['img-gone', 'FRA-A'],
      ]);
      const found = await service.findByIds(['img-c', 'img-b', 'img-gone', 'img-a']);
      expect(found.map((image) => (image ? [image.id, image.zoneId] : null))).toEqual([['img-c', 'FRA-A'], ['img-b', 'HKG-A'], null, ['img-a', 'FRA-A']]);
      const requests = zenlayer.requests('DescribeImages');
      expect(requests).toHaveLength(2);
      expect(requests).toEqual(
        expect.arrayContaining([
          { zoneId: 'FRA-A', imageIds: ['img-c', 'img-gone', 'img-a'], pageNum: 1, pageSize: 3 },
          { zoneId: 'HKG-A', imageIds: ['img-b'], pageNum: 1, pageSize: 1 },
        ]),
      );
    });

    it('asks once for an id asked twice', async () => {
      const { zenlayer, service, memory } = over({ zones: { 'FRA-A': [info('img-a')] } });
      await memory.remember('image', [['img-a', 'FRA-A']]);
      await expect(service.findByIds(['img-a', 'img-a'])).resolves.toMatchObject([{ id: 'img-a' }, { id: 'img-a' }]);
      expect(zenlayer.requests('DescribeImages')).toEqual([{ zoneId: 'FRA-A', imageIds: ['img-a'], pageNum: 1, pageSize: 1 }]);
    });

    it('answers null for every id when Zenlayer omits the list', async () => {
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({}) });
      await expect(make(zenlayer, { zones: ['FRA-A', 'HKG-A'] }).service.findByIds(['img-a', 'img-b'])).resolves.toEqual([null, null]);
    });

    it('leaves out an image Zenlayer answers that was not asked for', async () => {
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({ dataSet: [info('img-a'), info('img-other')] }) });
      const { service, memory } = make(zenlayer);
      await memory.remember('image', [['img-a', 'FRA-A']]);
      await expect(service.list({ ids: ['img-a'] })).resolves.toMatchObject({ items: [{ id: 'img-a' }], totalCount: 1 });
      await expect(service.list({ ids: ['img-x'] })).resolves.toMatchObject({ items: [], totalCount: 0 });
    });

    describe('ids whose zone is not known', () => {
      // Six zones: a first round of four (AMS-A, DFW-A, FRA-A, HKG-A), then a second of two (SIN-A, TYO-A).
      const account: Account = {
        zones: {
          'TYO-A': [info('img-tyo')],
          'FRA-A': [info('img-fra'), info('img-fra-2')],
          'SIN-A': [info('img-sin')],
          'AMS-A': [],
          'HKG-A': [info('img-hkg')],
          'DFW-A': [],
        },
      };
      const FIRST_ROUND = ['AMS-A', 'DFW-A', 'FRA-A', 'HKG-A'];
      const ALL = [...FIRST_ROUND, 'SIN-A', 'TYO-A'];
      const zonesAsked = (zenlayer: FakeZenlayer) => zenlayer.requests('DescribeImages').map((request) => request.zoneId as string);

      it('are looked for zone by zone, stopping after the round that found them all', async () => {
        const { zenlayer, service } = over(account);
        await expect(service.findByIds(['img-fra', 'img-hkg'])).resolves.toMatchObject([
          { id: 'img-fra', zoneId: 'FRA-A' },
          { id: 'img-hkg', zoneId: 'HKG-A' },
        ]);
        expect(zonesAsked(zenlayer).sort()).toEqual(FIRST_ROUND);
        expect(zenlayer.requests('DescribeImages')).toEqual(FIRST_ROUND.map(() => expect.objectContaining({ imageIds: ['img-fra', 'img-hkg'] })));
      });

      it('are looked for in the next round only while some are still missing, and only those', async () => {
        const { zenlayer, service } = over(account);
        await expect(service.findByIds(['img-tyo', 'img-fra'])).resolves.toMatchObject([{ id: 'img-tyo', zoneId: 'TYO-A' }, { id: 'img-fra', zoneId: 'FRA-A' }]);
        const requests = zenlayer.requests('DescribeImages');
        expect(requests.map((request) => request.zoneId)).toEqual(expect.arrayContaining(ALL));
        expect(requests).toHaveLength(ALL.length);
        for (const request of requests) {
          expect(request.imageIds).toEqual(FIRST_ROUND.includes(request.zoneId) ? ['img-tyo', 'img-fra'] : ['img-tyo']);
        }
      });

      it('are remembered where found: the next lookup asks their zone alone', async () => {
        const { zenlayer, service } = over(account);
        await service.findByIds(['img-sin', 'img-fra']);
        zenlayer.calls.length = 0;
        await expect(service.findByIds(['img-fra', 'img-sin'])).resolves.toMatchObject([{ id: 'img-fra' }, { id: 'img-sin' }]);
        expect(zenlayer.requests('DescribeImages')).toEqual(
          expect.arrayContaining([
            { zoneId: 'FRA-A', imageIds: ['img-fra'], pageNum: 1, pageSize: 1 },
            { zoneId: 'SIN-A', imageIds: ['img-sin'], pageNum: 1, pageSize: 1 },
          ]),
        );
        expect(zenlayer.requests('DescribeImages')).toHaveLength(2);
        zenlayer.calls.length = 0;
        await service.findByIds(['img-sin']);
        expect(zenlayer.requests('DescribeImages')).toEqual([{ zoneId: 'SIN-A', imageIds: ['img-sin'], pageNum: 1, pageSize: 1 }]);
      });

      it('is null once every zone was asked, and asked for again next time', async () => {
        const { zenlayer, service } = over(account);
        await expect(service.findByIds(['img-nowhere'])).resolves.toEqual([null]);
        expect(zonesAsked(zenlayer).sort()).toEqual(ALL);
        zenlayer.calls.length = 0;
        await service.findByIds(['img-nowhere']);
        expect(zonesAsked(zenlayer).sort()).toEqual(ALL);
      });

      it('share the call of a zone asked in a round with the ids known to be there', async () => {
        const { zenlayer, service, memory } = over(account);
        await memory.remember('image', [
          ['img-fra-2', 'FRA-A'],
          ['img-tyo', 'TYO-A'],
        ]);
        const found = await service.findByIds(['img-fra-2', 'img-hkg', 'img-tyo']);
        expect(found.map((image) => image?.zoneId)).toEqual(['FRA-A', 'HKG-A', 'TYO-A']);
        const requests = zenlayer.requests('DescribeImages');
        // One call per zone of the first round (FRA-A's carrying its known id too), then TYO-A for its known id alone.
        expect(requests.map((request) => request.zoneId).sort()).toEqual([...FIRST_ROUND, 'TYO-A']);
        expect(requests.find((request) => request.zoneId === 'FRA-A')!.imageIds).toEqual(['img-fra-2', 'img-hkg']);
        expect(requests.find((request) => request.zoneId === 'TYO-A')!.imageIds).toEqual(['img-tyo']);
      });
    });
  });

  describe('create', () => {
    const input = { instanceId: 'ins-1', name: 'web', description: 'made here' };
    const account = (): Account => ({
      zones: { 'FRA-A': [], 'HKG-A': [info('img-older', { imageName: 'web' })] },
      instances: [{ instanceId: 'ins-1', zoneId: 'HKG-A' }],
    });

    it('without a key: one CreateImage, and the instance it came from remembered', async () => {
      const { zenlayer, service, origins } = over(account());
      await expect(service.create(input, { client: 'key:ops' })).resolves.toEqual({ imageId: 'img-new-1', requestId: 'req-2' });
      await expect(service.create(input, { client: 'key:ops' })).resolves.toEqual({ imageId: 'img-new-2', requestId: 'req-3' });
      // The instance's zone is read once, then remembered.
      expect(zenlayer.actions()).toEqual(['DescribeInstances', 'CreateImage', 'CreateImage']);
      expect(zenlayer.requests('CreateImage')).toEqual([
        { instanceId: 'ins-1', imageName: 'web', imageDescription: 'made here' },
        { instanceId: 'ins-1', imageName: 'web', imageDescription: 'made here' },
      ]);
      await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual(['img-new-2']);
    });

    it("remembers the new image in its instance's zone: a lookup of it asks that zone alone", async () => {
      const made = account();
      const { zenlayer, service } = over(made, {});
      const { imageId } = await service.create(input, { client: 'key:ops' });
      made.zones['HKG-A'].push(info(imageId, { imageName: 'web', imageStatus: 'CREATING' }));
      zenlayer.calls.length = 0;
      await expect(service.findByIds([imageId])).resolves.toMatchObject([{ id: imageId, zoneId: 'HKG-A', status: ImageStatus.CREATING }]);
      expect(zenlayer.requests('DescribeImages')).toEqual([{ zoneId: 'HKG-A', imageIds: [imageId], pageNum: 1, pageSize: 1 }]);
    });

    it('leaves an instance Zenlayer does not list to CreateImage to refuse, remembering no zone for it', async () => {
      const refusal = new GatewayError('NOT_FOUND', 'No such instance: check instanceId', { blocker: 'INSTANCE_NOT_FOUND' });
      const zenlayer = zenlayerOf(account(), {
        CreateImage: () => {
          throw refusal;
        },
      });
      const { service } = make(zenlayer, { zones: ['FRA-A', 'HKG-A'] });
      await expect(service.create({ ...input, instanceId: 'ins-x' }, { client: 'key:ops' })).rejects.toBe(refusal);
      expect(zenlayer.actions()).toEqual(['DescribeInstances', 'CreateImage']);
      await expect(service.create({ ...input, instanceId: 'ins-x' }, { client: 'key:ops' })).rejects.toBe(refusal);
      expect(zenlayer.actions()).toEqual(['DescribeInstances', 'CreateImage', 'DescribeInstances', 'CreateImage']);
    });

    it('answers the image even when where it came from cannot be remembered', async () => {
      const warn = silencedWarnings();
      const broken: ImageOrigins = { record: () => Promise.reject(new Error('redis down')), lastMadeFrom: async () => [] };
      const { service } = over(account(), { origins: broken });
      await expect(service.create(input, { client: 'key:ops' })).resolves.toEqual({ imageId: 'img-new-1', requestId: 'req-2' });
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'image created but which instance it came from could not be remembered');
    });

    it("with a key: notes the images of that name in the instance's zone first, and answers a repeat without creating again", async () => {
      const { zenlayer, service } = over(account());
      const first = await service.create(input, { client: 'key:ops', idempotencyKey: 'k-1' });
      expect(first).toEqual({ imageId: 'img-new-1', requestId: 'req-3' });
      await expect(service.create(input, { client: 'key:ops', idempotencyKey: 'k-1' })).resolves.toEqual(first);
      expect(zenlayer.actions()).toEqual(['DescribeInstances', 'DescribeImages', 'CreateImage']);
      expect(zenlayer.calls[1]).toMatchObject({ request: { zoneId: 'HKG-A', imageName: 'web', imageType: 'CUSTOM_IMAGE' }, options: { fresh: true } });
    });

    it('with a key: keeps the keys of different clients apart', async () => {
      const { zenlayer, service } = over(account());
      const mine = await service.create(input, { client: 'key:ops', idempotencyKey: 'k-1' });
      const theirs = await service.create(input, { client: 'jwt:https://id.example.com#ops', idempotencyKey: 'k-1' });
      expect(theirs.imageId).not.toBe(mine.imageId);
      expect(zenlayer.actions().filter((a) => a === 'CreateImage')).toHaveLength(2);
    });
  });

  /** What the images service hands the idempotent create: how it reads Zenlayer for it. */
  describe('the image maker', () => {
    const input = { instanceId: 'ins-1', name: 'web' };

    /** The maker the service hands over on a create with a key. */
    const makerOf = async (zenlayer: FakeZenlayer, options: Omit<Options, 'idempotent'> = {}) => {
      let maker!: ImageMaker;
      const idempotent = {
        create: async (_client: string, _key: string, _input: unknown, given: ImageMaker) => {
          maker = given;
          return { imageId: 'img-unused', requestId: 'req-unused' };
        },
      } as unknown as IdempotentCreateService;
      const made = make(zenlayer, { ...options, idempotent });
      await made.service.create(input, { client: 'key:ops', idempotencyKey: 'k-1' });
      return { maker, ...made };
    };
    const withInstance = (answers: Partial<Record<ZenlayerActionName, (request: Request) => unknown>>) =>
      new FakeZenlayer({ DescribeInstances: () => ({ dataSet: [{ instanceId: 'ins-1', zoneId: 'HKG-A' }] }), ...answers });

    it("keeps only exact names of custom images out of Zenlayer's looser matches, read in the instance's zone past the cache", async () => {
      const zenlayer = withInstance({
        DescribeImages: () => ({
          dataSet: [
            info('img-exact', { imageName: 'web' }),
            info('img-longer', { imageName: 'web-2' }),
            info('img-case', { imageName: 'WEB' }),
            info('img-public', { imageName: 'web', imageType: 'PUBLIC_IMAGE' }),
            info('img-creating', { imageName: 'web', imageStatus: 'CREATING' }),
          ],
          totalCount: 5,
        }),
      });
      const { maker } = await makerOf(zenlayer);
      const named = await maker.customImagesNamed(input);
      expect(named).toEqual({
        requestId: 'req-2',
        images: [expect.objectContaining({ id: 'img-exact', zoneId: 'HKG-A' }), expect.objectContaining({ id: 'img-creating', status: ImageStatus.CREATING, zoneId: 'HKG-A' })],
      });
      expect(zenlayer.calls).toEqual([
        { action: 'DescribeInstances', request: { instanceIds: ['ins-1'], pageNum: 1, pageSize: 1 } },
        {
          action: 'DescribeImages',
          request: { zoneId: 'HKG-A', imageName: 'web', imageType: 'CUSTOM_IMAGE', pageNum: 1, pageSize: MAX_PAGE_SIZE },
          options: expect.objectContaining({ fresh: true }),
        },
      ]);
    });

    it('reads page after page while they are full and the total is not reached, answering the first request id', async () => {
      const total = MAX_PAGE_SIZE * 2 + 1;
      const all = Array.from({ length: total }, (_, i) => info(`img-${i}`, { imageName: i % 2 === 0 ? 'web' : 'web-other' }));
      const zenlayer = withInstance({
        DescribeImages: (request) => {
          const start = ((request.pageNum as number) - 1) * MAX_PAGE_SIZE;
          return { dataSet: all.slice(start, start + MAX_PAGE_SIZE), totalCount: total };
        },
      });
      const { maker } = await makerOf(zenlayer);
      const named = await maker.customImagesNamed(input);
      expect(zenlayer.requests('DescribeImages').map((request) => [request.zoneId, request.pageNum])).toEqual([
        ['HKG-A', 1],
        ['HKG-A', 2],
        ['HKG-A', 3],
      ]);
      expect(named.requestId).toBe('req-2');
      expect(named.images).toHaveLength(MAX_PAGE_SIZE + 1);
      expect(named.images.every((image) => image.name === 'web')).toBe(true);
    });

    it('stops at a full last page when the total says so, and at a short page when there is no total', async () => {
      const full = Array.from({ length: MAX_PAGE_SIZE }, (_, i) => info(`img-${i}`, { imageName: 'web' }));
      const exact = withInstance({ DescribeImages: () => ({ dataSet: full, totalCount: MAX_PAGE_SIZE }) });
      await (await makerOf(exact)).maker.customImagesNamed(input);
      expect(exact.requests('DescribeImages')).toHaveLength(1);
      const untotalled = withInstance({ DescribeImages: (request) => ({ dataSet: request.pageNum === 1 ? full : full.slice(0, 3) }) });
      expect((await (await makerOf(untotalled)).maker.customImagesNamed(input)).images).toHaveLength(MAX_PAGE_SIZE + 3);
      expect(untotalled.requests('DescribeImages')).toHaveLength(2);
    });

    it('refuses an instance Zenlayer does not list as INSTANCE_NOT_FOUND, without listing any images', async () => {
      const zenlayer = new FakeZenlayer({ DescribeInstances: () => ({ dataSet: [] }), DescribeImages: () => ({}) });
      const { maker } = await makerOf(zenlayer);
      await expect(maker.customImagesNamed(input)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { blocker: 'INSTANCE_NOT_FOUND' } });
      expect(zenlayer.actions()).toEqual(['DescribeInstances']);
    });

    it('notes an image found by name as a create would: its zone, and the instance it came from', async () => {
      const zenlayer = withInstance({ DescribeImages: describeImagesOf({ zones: { 'HKG-A': [info('img-landed', { imageName: 'web', imageStatus: 'CREATING' })] } }) });
      const { maker, service, origins } = await makerOf(zenlayer, { zones: ['FRA-A', 'HKG-A', 'SIN-A'] });
      const [landed] = (await maker.customImagesNamed(input)).images;
      await maker.recovered(input, landed);
      await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual(['img-landed']);
      zenlayer.calls.length = 0;
      await expect(service.findByIds(['img-landed'])).resolves.toMatchObject([{ id: 'img-landed', zoneId: 'HKG-A' }]);
      expect(zenlayer.requests('DescribeImages')).toEqual([{ zoneId: 'HKG-A', imageIds: ['img-landed'], pageNum: 1, pageSize: 1 }]);
    });
  });

  describe('update', () => {
    it('writes, then answers the images as Zenlayer now lists them, leaving out any gone meanwhile', async () => {
      const zenlayer = new FakeZenlayer({
        ModifyImagesAttributes: () => ({}),
        DescribeImages: () => ({ dataSet: [info('img-b', { imageName: 'renamed', imageDescription: 'new' })] }),
      });
      const { service, memory } = make(zenlayer);
      await memory.remember('image', [
        ['img-a', 'FRA-A'],
        ['img-b', 'FRA-A'],
      ]);
      const updated = await service.update({ ids: ['img-a', 'img-b'], name: 'renamed', description: 'new' });
      expect(updated).toEqual({ requestId: 'req-1', images: [expect.objectContaining({ id: 'img-b', name: 'renamed', description: 'new', zoneId: 'FRA-A' })] });
      expect(zenlayer.calls.map(({ action, request }) => ({ action, request }))).toEqual([
        { action: 'ModifyImagesAttributes', request: { imageIds: ['img-a', 'img-b'], imageName: 'renamed', imageDescription: 'new' } },
        { action: 'DescribeImages', request: { zoneId: 'FRA-A', imageIds: ['img-a', 'img-b'], pageNum: 1, pageSize: 2 } },
      ]);
    });

    it('refuses an update that changes nothing, before calling Zenlayer', async () => {
      const zenlayer = new FakeZenlayer();
      await expect(make(zenlayer).service.update({ ids: ['img-a'] })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { fields: [{ field: 'input', reasons: ['must set name or description (or both)'] }] },
      });
      expect(zenlayer.calls).toEqual([]);
    });
  });

  describe('delete', () => {
    it('deletes the images in one call and names them', async () => {
      const zenlayer = new FakeZenlayer({ DeleteImages: () => ({}) });
      await expect(make(zenlayer).service.delete(['img-a', 'img-b'])).resolves.toEqual({ requestId: 'req-1', deletedIds: ['img-a', 'img-b'] });
      expect(zenlayer.calls).toEqual([{ action: 'DeleteImages', request: { imageIds: ['img-a', 'img-b'] }, options: { clientFields: ['imageIds'] } }]);
    });
  });

  describe('creatingFrom', () => {
    it('asks Zenlayer nothing when no instance has an image remembered', async () => {
      const zenlayer = new FakeZenlayer();
      await expect(
        make(zenlayer).service.creatingFrom([
          { instanceId: 'ins-1', zoneId: 'FRA-A' },
          { instanceId: 'ins-2', zoneId: 'HKG-A' },
        ]),
      ).resolves.toEqual([null, null]);
      expect(zenlayer.calls).toEqual([]);
    });

    it("names the remembered images Zenlayer still lists as CREATING, one DescribeImages per instance's zone", async () => {
      const origins = new MemoryImageOrigins();
      await origins.record('ins-1', 'img-a');
      await origins.record('ins-2', 'img-b');
      await origins.record('ins-3', 'img-a');
      await origins.record('ins-5', 'img-c');
      const zenlayer = zenlayerOf({
        zones: {
          'FRA-A': [info('img-a', { imageStatus: 'CREATING' })],
          'HKG-A': [info('img-b', { imageStatus: 'AVAILABLE' }), info('img-c', { imageStatus: 'CREATING' })],
        },
      });
      const { service } = make(zenlayer, { zones: ['FRA-A', 'HKG-A'], origins });
      await expect(
        service.creatingFrom([
          { instanceId: 'ins-1', zoneId: 'FRA-A' },
          { instanceId: 'ins-2', zoneId: 'HKG-A' },
          { instanceId: 'ins-3', zoneId: 'FRA-A' },
          { instanceId: 'ins-4', zoneId: 'FRA-A' },
          { instanceId: 'ins-5', zoneId: 'HKG-A' },
        ]),
      ).resolves.toEqual(['img-a', null, 'img-a', null, 'img-c']);
      const requests = zenlayer.requests('DescribeImages');
      expect(requests).toHaveLength(2);
      expect(requests).toEqual(
        expect.arrayContaining([
          { zoneId: 'FRA-A', imageIds: ['img-a'], imageStatus: 'CREATING', pageNum: 1, pageSize: 1 },
          { zoneId: 'HKG-A', imageIds: ['img-b', 'img-c'], imageStatus: 'CREATING', pageNum: 1, pageSize: 2 },
        ]),
      );
    });

    it('does not take an image Zenlayer answers as no longer CREATING', async () => {
      const origins = new MemoryImageOrigins();
      await origins.record('ins-1', 'img-a');
      // An answer that ignores the status filter.
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({ dataSet: [info('img-a', { imageStatus: 'AVAILABLE' })] }) });
      await expect(make(zenlayer, { origins }).service.creatingFrom([{ instanceId: 'ins-1', zoneId: 'FRA-A' }])).resolves.toEqual([null]);
    });

    it('does not look for the image of an instance listed without a zone', async () => {
      const origins = new MemoryImageOrigins();
      await origins.record('ins-1', 'img-a');
      const zenlayer = new FakeZenlayer();
      await expect(make(zenlayer, { origins }).service.creatingFrom([{ instanceId: 'ins-1', zoneId: '' }])).resolves.toEqual([null]);
      expect(zenlayer.calls).toEqual([]);
    });

    it('misses the hint, rather than fail, when the store cannot be read', async () => {
      const warn = silencedWarnings();
      const broken: ImageOrigins = { record: async () => undefined, lastMadeFrom: () => Promise.reject(new Error('redis down')) };
      const zenlayer = new FakeZenlayer();
      await expect(make(zenlayer, { origins: broken }).service.creatingFrom([{ instanceId: 'ins-1', zoneId: 'FRA-A' }])).resolves.toEqual([null]);
      expect(zenlayer.calls).toEqual([]);
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'could not read which instances images are being made from');
    });
  });

  describe('a zone memory that fails', () => {
    it('costs a lookup across zones, not the lookup', async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { zenlayer, service, memory } = over({ zones: { 'FRA-A': [], 'HKG-A': [info('img-a')] } });
      jest.spyOn(memory, 'recall').mockRejectedValue(new Error('redis down'));
      jest.spyOn(memory, 'remember').mockRejectedValue(new Error('redis down'));
      await expect(service.findByIds(['img-a'])).resolves.toMatchObject([{ id: 'img-a', zoneId: 'HKG-A' }]);
      await expect(service.list({ zoneId: 'HKG-A' })).resolves.toMatchObject({ items: [{ id: 'img-a' }] });
      expect(zenlayer.requests('DescribeImages').map((request) => request.zoneId)).toEqual(['FRA-A', 'HKG-A', 'HKG-A']);
    });
  });
});
