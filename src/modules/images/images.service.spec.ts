import { Logger } from '@nestjs/common';
import type { GatewayConfig } from '../../config';
import { MAX_PAGE_SIZE } from '../../common/validation/rules';
import type { ImageInfo, ServiceCallOptions, ZenlayerActionName, ZenlayerService } from '../../upstream/zenlayer';
import { MemoryIdempotencyStore } from './idempotency.store';
import { IdempotentCreateService } from './idempotent-create.service';
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

interface Call {
  action: ZenlayerActionName;
  request: Record<string, unknown>;
  options?: ServiceCallOptions;
}

/** Zenlayer as ZenlayerService shows it: each action answers what its script says, and every call is noted. */
class FakeZenlayer {
  readonly calls: Call[] = [];
  constructor(private readonly answers: Partial<Record<ZenlayerActionName, (request: Record<string, unknown>) => unknown>> = {}) {}

  readonly call = async (action: ZenlayerActionName, request: Record<string, unknown>, options?: ServiceCallOptions) => {
    this.calls.push({ action, request, ...(options && { options }) });
    const answer = this.answers[action];
    if (!answer) throw new Error(`unexpected upstream call ${action}`);
    return { requestId: `req-${this.calls.length}`, response: answer(request) };
  };

  actions(): ZenlayerActionName[] {
    return this.calls.map((c) => c.action);
  }
}

const config = { idempotencyTtlSeconds: 86400, idempotencySettleSeconds: 60, requestDeadlineMs: 30000 } as GatewayConfig;

describe(ImagesService.name, () => {
  const closers: Array<{ close(): void }> = [];
  afterEach(() => {
    closers.splice(0).forEach((c) => c.close());
    jest.restoreAllMocks();
  });
  const silencedWarnings = () => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

  const make = (zenlayer: FakeZenlayer, origins: ImageOrigins = new MemoryImageOrigins()) => {
    const store = new MemoryIdempotencyStore();
    closers.push(store);
    if (origins instanceof MemoryImageOrigins) closers.push(origins);
    return new ImagesService(zenlayer as unknown as ZenlayerService, origins, new IdempotentCreateService(store, config));
  };

  describe('list', () => {
    it('asks for the filter and page in the wire names, and maps the answer', async () => {
      const zenlayer = new FakeZenlayer({
        DescribeImages: () => ({
          dataSet: [info('img-1', { imageName: 'web', imageDescription: 'd', category: 'Ubuntu', osType: 'Linux' }), info('img-2', { imageSize: '' })],
          totalCount: 42,
        }),
      });
      const page = await make(zenlayer).list({ name: 'web', zoneId: 'FRA-A', type: ImageType.CUSTOM_IMAGE, status: ImageStatus.AVAILABLE, category: 'Ubuntu', osType: 'Linux', ids: ['img-1', 'img-2'] }, 3, 2);
      expect(zenlayer.calls).toEqual([
        {
          action: 'DescribeImages',
          request: {
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
        },
      ]);
      expect(page).toEqual({
        items: [
          { id: 'img-1', name: 'web', type: ImageType.CUSTOM_IMAGE, status: ImageStatus.AVAILABLE, sizeGb: 20, description: 'd', version: null, category: 'Ubuntu', osType: 'Linux' },
          { id: 'img-2', name: 'img-2', type: ImageType.CUSTOM_IMAGE, status: ImageStatus.AVAILABLE, sizeGb: null, description: null, version: null, category: null, osType: null },
        ],
        totalCount: 42,
        page: 3,
        pageSize: 2,
      });
    });

    it('reads an omitted list as empty and an omitted total as the length of the page', async () => {
      const empty = await make(new FakeZenlayer({ DescribeImages: () => ({}) })).list();
      expect(empty).toEqual({ items: [], totalCount: 0, page: 1, pageSize: 20 });
      const untotalled = await make(new FakeZenlayer({ DescribeImages: () => ({ dataSet: [info('img-1')] }) })).list();
      expect(untotalled).toMatchObject({ items: [{ id: 'img-1' }], totalCount: 1 });
    });
  });

  describe('findByIds', () => {
    it('answers in the order asked, null where no image exists, in one call', async () => {
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({ dataSet: [info('img-c'), info('img-a')] }) });
      const found = await make(zenlayer).findByIds(['img-a', 'img-b', 'img-c']);
      expect(found.map((image) => image?.id ?? null)).toEqual(['img-a', null, 'img-c']);
      expect(zenlayer.calls).toEqual([{ action: 'DescribeImages', request: { imageIds: ['img-a', 'img-b', 'img-c'], pageNum: 1, pageSize: 3 } }]);
    });

    it('answers null for every id when Zenlayer omits the list', async () => {
      await expect(make(new FakeZenlayer({ DescribeImages: () => ({}) })).findByIds(['img-a', 'img-b'])).resolves.toEqual([null, null]);
    });
  });

  describe('create', () => {
    const input = { instanceId: 'ins-1', name: 'web', description: 'made here' };
    const creating = () => {
      let made = 0;
      return new FakeZenlayer({
        CreateImage: () => ({ imageId: `img-new-${++made}` }),
        DescribeImages: () => ({ dataSet: [info('img-older', { imageName: 'web' })], totalCount: 1 }),
      });
    };

    it('without a key: one CreateImage, and the instance it came from remembered', async () => {
      const zenlayer = creating();
      const origins = new MemoryImageOrigins();
      const images = make(zenlayer, origins);
      await expect(images.create(input, { client: 'key:ops' })).resolves.toEqual({ imageId: 'img-new-1', requestId: 'req-1' });
      await expect(images.create(input, { client: 'key:ops' })).resolves.toEqual({ imageId: 'img-new-2', requestId: 'req-2' });
      expect(zenlayer.calls).toEqual([
        { action: 'CreateImage', request: { instanceId: 'ins-1', imageName: 'web', imageDescription: 'made here' } },
        { action: 'CreateImage', request: { instanceId: 'ins-1', imageName: 'web', imageDescription: 'made here' } },
      ]);
      await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual(['img-new-2']);
    });

    it('answers the image even when where it came from cannot be remembered', async () => {
      const warn = silencedWarnings();
      const broken: ImageOrigins = { record: () => Promise.reject(new Error('redis down')), lastMadeFrom: async () => [] };
      await expect(make(creating(), broken).create(input, { client: 'key:ops' })).resolves.toEqual({ imageId: 'img-new-1', requestId: 'req-1' });
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'image created but which instance it came from could not be remembered');
    });

    it('with a key: notes the images of that name first, and answers a repeat without creating again', async () => {
      const zenlayer = creating();
      const images = make(zenlayer);
      const first = await images.create(input, { client: 'key:ops', idempotencyKey: 'k-1' });
      expect(first).toEqual({ imageId: 'img-new-1', requestId: 'req-2' });
      await expect(images.create(input, { client: 'key:ops', idempotencyKey: 'k-1' })).resolves.toEqual(first);
      expect(zenlayer.actions()).toEqual(['DescribeImages', 'CreateImage']);
      expect(zenlayer.calls[0]).toMatchObject({ request: { imageName: 'web', imageType: 'CUSTOM_IMAGE' }, options: { fresh: true } });
    });

    it('with a key: keeps the keys of different clients apart', async () => {
      const zenlayer = creating();
      const images = make(zenlayer);
      const mine = await images.create(input, { client: 'key:ops', idempotencyKey: 'k-1' });
      const theirs = await images.create(input, { client: 'jwt:https://id.example.com#ops', idempotencyKey: 'k-1' });
      expect(theirs.imageId).not.toBe(mine.imageId);
      expect(zenlayer.actions().filter((a) => a === 'CreateImage')).toHaveLength(2);
    });
  });

  describe('update', () => {
    it('writes, then answers the images as Zenlayer now lists them, leaving out any gone meanwhile', async () => {
      const zenlayer = new FakeZenlayer({
        ModifyImagesAttributes: () => ({}),
        DescribeImages: () => ({ dataSet: [info('img-b', { imageName: 'renamed', imageDescription: 'new' })] }),
      });
      const updated = await make(zenlayer).update({ ids: ['img-a', 'img-b'], name: 'renamed', description: 'new' });
      expect(updated).toEqual({ requestId: 'req-1', images: [expect.objectContaining({ id: 'img-b', name: 'renamed', description: 'new' })] });
      expect(zenlayer.calls).toEqual([
        { action: 'ModifyImagesAttributes', request: { imageIds: ['img-a', 'img-b'], imageName: 'renamed', imageDescription: 'new' } },
        { action: 'DescribeImages', request: { imageIds: ['img-a', 'img-b'], pageNum: 1, pageSize: 2 } },
      ]);
    });

    it('refuses an update that changes nothing, before calling Zenlayer', async () => {
      const zenlayer = new FakeZenlayer();
      await expect(make(zenlayer).update({ ids: ['img-a'] })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { fields: [{ field: 'input', reasons: ['must set name or description (or both)'] }] },
      });
      expect(zenlayer.calls).toEqual([]);
    });
  });

  describe('delete', () => {
    it('deletes the images in one call and names them', async () => {
      const zenlayer = new FakeZenlayer({ DeleteImages: () => ({}) });
      await expect(make(zenlayer).delete(['img-a', 'img-b'])).resolves.toEqual({ requestId: 'req-1', deletedIds: ['img-a', 'img-b'] });
      expect(zenlayer.calls).toEqual([{ action: 'DeleteImages', request: { imageIds: ['img-a', 'img-b'] } }]);
    });
  });

  describe('customImagesNamed', () => {
    it("keeps only exact names of custom images out of Zenlayer's looser matches, read past the cache", async () => {
      const zenlayer = new FakeZenlayer({
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
      const named = await make(zenlayer).customImagesNamed('web');
      expect(named).toEqual({
        requestId: 'req-1',
        images: [expect.objectContaining({ id: 'img-exact' }), expect.objectContaining({ id: 'img-creating', status: ImageStatus.CREATING })],
      });
      expect(zenlayer.calls).toEqual([
        { action: 'DescribeImages', request: { imageName: 'web', imageType: 'CUSTOM_IMAGE', pageNum: 1, pageSize: MAX_PAGE_SIZE }, options: { fresh: true } },
      ]);
    });

    it('reads page after page while they are full and the total is not reached, answering the first request id', async () => {
      const total = MAX_PAGE_SIZE * 2 + 1;
      const all = Array.from({ length: total }, (_, i) => info(`img-${i}`, { imageName: i % 2 === 0 ? 'web' : 'web-other' }));
      const zenlayer = new FakeZenlayer({
        DescribeImages: (request) => {
          const start = ((request.pageNum as number) - 1) * MAX_PAGE_SIZE;
          return { dataSet: all.slice(start, start + MAX_PAGE_SIZE), totalCount: total };
        },
      });
      const named = await make(zenlayer).customImagesNamed('web');
      expect(zenlayer.calls.map((c) => c.request.pageNum)).toEqual([1, 2, 3]);
      expect(named.requestId).toBe('req-1');
      expect(named.images).toHaveLength(MAX_PAGE_SIZE + 1);
      expect(named.images.every((image) => image.name === 'web')).toBe(true);
    });

    it('stops at a full last page when the total says so, and at a short page when there is no total', async () => {
      const full = Array.from({ length: MAX_PAGE_SIZE }, (_, i) => info(`img-${i}`, { imageName: 'web' }));
      const exact = new FakeZenlayer({ DescribeImages: () => ({ dataSet: full, totalCount: MAX_PAGE_SIZE }) });
      await make(exact).customImagesNamed('web');
      expect(exact.calls).toHaveLength(1);
      const untotalled = new FakeZenlayer({ DescribeImages: (request) => ({ dataSet: request.pageNum === 1 ? full : full.slice(0, 3) }) });
      expect((await make(untotalled).customImagesNamed('web')).images).toHaveLength(MAX_PAGE_SIZE + 3);
      expect(untotalled.calls).toHaveLength(2);
    });
  });

  describe('creatingFrom', () => {
    it('asks Zenlayer nothing when no instance has an image remembered', async () => {
      const zenlayer = new FakeZenlayer();
      await expect(make(zenlayer).creatingFrom(['ins-1', 'ins-2'])).resolves.toEqual([null, null]);
      expect(zenlayer.calls).toEqual([]);
    });

    it('names the remembered images Zenlayer still lists as CREATING, in one DescribeImages', async () => {
      const origins = new MemoryImageOrigins();
      await origins.record('ins-1', 'img-a');
      await origins.record('ins-2', 'img-b');
      await origins.record('ins-3', 'img-a');
      const zenlayer = new FakeZenlayer({ DescribeImages: () => ({ dataSet: [info('img-a', { imageStatus: 'CREATING' })] }) });
      await expect(make(zenlayer, origins).creatingFrom(['ins-1', 'ins-2', 'ins-3', 'ins-4'])).resolves.toEqual(['img-a', null, 'img-a', null]);
      expect(zenlayer.calls).toEqual([{ action: 'DescribeImages', request: { imageIds: ['img-a', 'img-b'], imageStatus: 'CREATING', pageNum: 1, pageSize: 2 } }]);
    });

    it('misses the hint, rather than fail, when the store cannot be read', async () => {
      const warn = silencedWarnings();
      const broken: ImageOrigins = { record: async () => undefined, lastMadeFrom: () => Promise.reject(new Error('redis down')) };
      const zenlayer = new FakeZenlayer();
      await expect(make(zenlayer, broken).creatingFrom(['ins-1'])).resolves.toEqual([null]);
      expect(zenlayer.calls).toEqual([]);
      expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'could not read which instances images are being made from');
    });
  });
});
