import type { ZenlayerService } from '../../upstream/zenlayer';
import { ImageOrigins, MemoryImageOrigins } from './image-origins.store';
import { ImagesService } from './images.service';

const image = (imageId: string, imageStatus: string) => ({ imageId, imageName: imageId, imageType: 'CUSTOM_IMAGE', imageStatus });

describe(MemoryImageOrigins.name, () => {
  it('remembers the last image per instance until it expires', async () => {
    const origins = new MemoryImageOrigins(50);
    await origins.record('ins-1', 'img-a');
    await origins.record('ins-1', 'img-b');
    await expect(origins.lastMadeFrom(['ins-1', 'ins-2'])).resolves.toEqual(['img-b', undefined]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual([undefined]);
    origins.close();
  });
});

describe(`${ImagesService.name}.creatingFrom`, () => {
  const make = (origins: ImageOrigins, dataSet: object[] = []) => {
    const call = jest.fn(async () => ({ requestId: 'R', response: { dataSet } }));
    return { call, images: new ImagesService({ call } as unknown as ZenlayerService, origins) };
  };

  it('asks Zenlayer nothing when no instance has an image remembered', async () => {
    const { call, images } = make(new MemoryImageOrigins());
    await expect(images.creatingFrom(['ins-1', 'ins-2'])).resolves.toEqual([null, null]);
    expect(call).not.toHaveBeenCalled();
  });

  it('names the remembered images Zenlayer still lists as CREATING, in one DescribeImages', async () => {
    const origins = new MemoryImageOrigins();
    await origins.record('ins-1', 'img-a');
    await origins.record('ins-2', 'img-b');
    const { call, images } = make(origins, [image('img-a', 'CREATING')]);
    await expect(images.creatingFrom(['ins-1', 'ins-2', 'ins-3'])).resolves.toEqual(['img-a', null, null]);
    expect(call).toHaveBeenCalledTimes(1);
    expect(call).toHaveBeenCalledWith('DescribeImages', { imageIds: ['img-a', 'img-b'], imageStatus: 'CREATING', pageNum: 1, pageSize: 2 });
  });

  it('misses the hint, rather than fail, when the store cannot be read', async () => {
    const broken: ImageOrigins = { record: async () => undefined, lastMadeFrom: async () => Promise.reject(new Error('redis down')) };
    const { call, images } = make(broken);
    await expect(images.creatingFrom(['ins-1'])).resolves.toEqual([null]);
    expect(call).not.toHaveBeenCalled();
  });

  it('remembers the instance of each image it creates; a store failure does not fail the create', async () => {
    const origins = new MemoryImageOrigins();
    const call = jest.fn(async () => ({ requestId: 'R', response: { imageId: 'img-new' } }));
    await new ImagesService({ call } as unknown as ZenlayerService, origins).create({ instanceId: 'ins-1', name: 'x' });
    await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual(['img-new']);
    const broken: ImageOrigins = { record: async () => Promise.reject(new Error('redis down')), lastMadeFrom: async () => [] };
    await expect(new ImagesService({ call } as unknown as ZenlayerService, broken).create({ instanceId: 'ins-1', name: 'x' })).resolves.toEqual({
      imageId: 'img-new',
      requestId: 'R',
    });
  });
});
