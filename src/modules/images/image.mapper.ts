import { Logger } from '@nestjs/common';
import type { ImageInfo } from '../../upstream/zenlayer';
import { FILTERABLE_IMAGE_STATUSES, FILTERABLE_IMAGE_TYPES, Image, ImageStatus, ImageType } from './models/image.model';

const logger = new Logger('Images');

const KNOWN_TYPES: ReadonlySet<string> = new Set(FILTERABLE_IMAGE_TYPES);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(FILTERABLE_IMAGE_STATUSES);

/** Unknown values already logged, so a page of a thousand images logs each new value once. */
const reported = new Set<string>();
/** Past this many distinct values, stay silent: a misbehaving upstream must not grow the set or flood the log. */
const MAX_REPORTED = 100;

/**
 * A wire value the schema's enum does not hold becomes UNKNOWN rather than failing the whole
 * GraphQL response (Zenlayer may add a status or type at any time); each one is logged once.
 */
function known<T extends string>(field: string, value: string, values: ReadonlySet<string>, unknown: T): T {
  if (values.has(value)) return value as T;
  const key = `${field}:${String(value)}`;
  if (reported.size < MAX_REPORTED && !reported.has(key)) {
    reported.add(key);
    logger.warn({ field, value }, `Zenlayer sent an ${field} this gateway does not know; shown as UNKNOWN`);
  }
  return unknown;
}

/**
 * Wire `ImageInfo` to the schema's `Image`: `imageSize` "20" becomes `sizeGb` 20, and so on.
 * ImageInfo names no zone: `zoneId` is the zone it was asked for in.
 */
export function toImage(info: ImageInfo, zoneId: string | null): Image {
  const size = info.imageSize === undefined || info.imageSize === '' ? NaN : Number(info.imageSize);
  return {
    id: info.imageId,
    name: info.imageName,
    type: known('imageType', info.imageType, KNOWN_TYPES, ImageType.UNKNOWN),
    status: known('imageStatus', info.imageStatus, KNOWN_STATUSES, ImageStatus.UNKNOWN),
    sizeGb: Number.isFinite(size) ? size : null,
    description: info.imageDescription ?? null,
    version: info.imageVersion ?? null,
    category: info.category ?? null,
    osType: info.osType ?? null,
    zoneId,
  };
}
