import type { ImageInfo } from '../../upstream/zenlayer';
import { Image, ImageStatus, ImageType } from './models/image.model';

/** Wire `ImageInfo` to the schema's `Image`: `imageSize` "20" becomes `sizeGb` 20, and so on. */
export function toImage(info: ImageInfo): Image {
  const size = info.imageSize === undefined || info.imageSize === '' ? NaN : Number(info.imageSize);
  return {
    id: info.imageId,
    name: info.imageName,
    type: info.imageType as ImageType,
    status: info.imageStatus as ImageStatus,
    sizeGb: Number.isFinite(size) ? size : null,
    description: info.imageDescription ?? null,
    version: info.imageVersion ?? null,
    category: info.category ?? null,
    osType: info.osType ?? null,
  };
}
