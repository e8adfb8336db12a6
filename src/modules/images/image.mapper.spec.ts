import { Logger } from '@nestjs/common';
import type { ImageInfo } from '../../upstream/zenlayer';
import { toImage } from './image.mapper';
import { ImageStatus, ImageType } from './models/image.model';

const info = (fields: Partial<ImageInfo> = {}): ImageInfo => ({
  imageId: 'img-1',
  imageName: 'one',
  imageType: 'CUSTOM_IMAGE',
  imageStatus: 'AVAILABLE',
  imageSize: '20',
  ...fields,
});

describe(toImage.name, () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('maps the wire fields to the schema, with the zone the image was asked for in', () => {
    expect(toImage(info({ imageDescription: 'd', category: 'CentOS', osType: 'Linux' }), 'FRA-A')).toEqual({
      id: 'img-1',
      name: 'one',
      type: ImageType.CUSTOM_IMAGE,
      status: ImageStatus.AVAILABLE,
      sizeGb: 20,
      description: 'd',
      version: null,
      category: 'CentOS',
      osType: 'Linux',
      zoneId: 'FRA-A',
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('gives an image asked for in no zone a null zone', () => {
    expect(toImage(info(), null).zoneId).toBeNull();
  });

  it.each([
    ['40', 40],
    ['2.5', 2.5],
    ['', null],
    [undefined, null],
    ['big', null],
  ])('reads the size %p as %p', (imageSize, sizeGb) => {
    expect(toImage(info({ imageSize }), 'FRA-A').sizeGb).toBe(sizeGb);
  });

  it('maps a type or status the gateway does not know to UNKNOWN', () => {
    const image = toImage(info({ imageType: 'SHARED_IMAGE', imageStatus: 'SYNCING' }), 'FRA-A');
    expect(image).toMatchObject({ type: ImageType.UNKNOWN, status: ImageStatus.UNKNOWN });
  });

  it('warns once per distinct unknown value, however many images carry it', () => {
    for (let i = 0; i < 50; i++) toImage(info({ imageStatus: 'MIGRATING' }), 'FRA-A');
    toImage(info({ imageStatus: 'ARCHIVED' }), 'FRA-A');
    toImage(info({ imageType: 'MARKET_IMAGE' }), 'FRA-A');
    const values = warn.mock.calls.map(([fields]) => fields as { field: string; value: string });
    expect(values).toEqual([
      { field: 'imageStatus', value: 'MIGRATING' },
      { field: 'imageStatus', value: 'ARCHIVED' },
      { field: 'imageType', value: 'MARKET_IMAGE' },
    ]);
  });

  it('treats a wire value spelled UNKNOWN as unknown too', () => {
    expect(toImage(info({ imageStatus: 'UNKNOWN' }), 'FRA-A').status).toBe(ImageStatus.UNKNOWN);
  });
});
