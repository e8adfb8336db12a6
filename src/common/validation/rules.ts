import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Zenlayer's image-name rule: 1 to 24 characters of Chinese characters, letters, digits, `-` and `_`. */
export const IMAGE_NAME_PATTERN = /^[\p{Script=Han}A-Za-z0-9_-]{1,24}$/u;
export const IMAGE_DESCRIPTION_MAX = 255;
export const MAX_IDS = 100;
export const MAX_PAGE_SIZE = 1000;
/** The highest page number accepted: far past any real listing, and checked before Zenlayer is called. */
export const MAX_PAGE = 1_000_000;
/** The longest image name a filter may search for, in characters. */
export const IMAGE_NAME_FILTER_MAX = 128;

/**
 * A name to search for, looser than {@link IMAGE_NAME_PATTERN}: the rule for names this account
 * gives does not cover names Zenlayer gave (its public image `CentOS-7.9` has a dot).
 */
const IMAGE_NAME_FILTER_PATTERN = new RegExp(`^[^\\p{Cc}]{1,${IMAGE_NAME_FILTER_MAX}}$`, 'u');

/** An idempotency key, as the GraphQL argument and the REST `Idempotency-Key` header take it. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 255 printable ASCII characters';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const ZONE_ID_PATTERN = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;

export const IsImageName = () =>
  applyDecorators(
    IsString({ message: 'must be a string' }),
    Matches(IMAGE_NAME_PATTERN, { message: 'must be 1 to 24 characters: Chinese characters, letters, digits, "-" or "_"' }),
  );

/** An exact image name to filter by: 1 to {@link IMAGE_NAME_FILTER_MAX} characters, no control characters. */
export const IsImageNameFilter = () =>
  applyDecorators(
    IsString({ message: 'must be a string' }),
    Matches(IMAGE_NAME_FILTER_PATTERN, { message: `must be 1 to ${IMAGE_NAME_FILTER_MAX} characters, without control characters` }),
  );

/** A page number from 1 to {@link MAX_PAGE}. */
export const IsPage = () =>
  applyDecorators(
    IsInt({ message: 'must be a whole number' }),
    Min(1, { message: 'must be at least 1' }),
    Max(MAX_PAGE, { message: `must be from 1 to ${MAX_PAGE}` }),
  );

/** A page size from 1 to {@link MAX_PAGE_SIZE}. */
export const IsPageSize = () =>
  applyDecorators(
    IsInt({ message: 'must be a whole number' }),
    Min(1, { message: `must be from 1 to ${MAX_PAGE_SIZE}` }),
    Max(MAX_PAGE_SIZE, { message: `must be from 1 to ${MAX_PAGE_SIZE}` }),
  );

/** An idempotency key in a DTO (the GraphQL argument); {@link isIdempotencyKey} checks a header by the same rule. */
export const IsIdempotencyKey = () => applyDecorators(IsString(), Matches(IDEMPOTENCY_KEY_PATTERN, { message: IDEMPOTENCY_KEY_RULE }));

/** Whether a value keeps the idempotency key rule, for a value no DTO carries (the REST header). */
export const isIdempotencyKey = (value: unknown): value is string => typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value);

export const IsImageDescription = () =>
  applyDecorators(
    IsString({ message: 'must be a string' }),
    MaxLength(IMAGE_DESCRIPTION_MAX, { message: `must be at most ${IMAGE_DESCRIPTION_MAX} characters` }),
  );

export const IsResourceId = () =>
  applyDecorators(
    IsString({ message: 'must be a string' }),
    Matches(ID_PATTERN, { message: 'must be an id of letters, digits, "-", "_" or "." (at most 128 characters)' }),
  );

/** A non-empty list of at most {@link MAX_IDS} distinct ids. */
export const IsIdList = () =>
  applyDecorators(
    IsArray({ message: 'must be a list of ids' }),
    ArrayNotEmpty({ message: 'must name at least one id' }),
    ArrayMaxSize(MAX_IDS, { message: `must name at most ${MAX_IDS} ids` }),
    ArrayUnique({ message: 'must not repeat an id' }),
    IsString({ each: true, message: 'must hold only strings' }),
    Matches(ID_PATTERN, { each: true, message: 'must hold ids of letters, digits, "-", "_" or "." (at most 128 characters each)' }),
  );

export const IsZoneId = (each = false) =>
  applyDecorators(
    IsString({ each, message: each ? 'must hold only strings' : 'must be a string' }),
    Matches(ZONE_ID_PATTERN, { each, message: `must ${each ? 'hold zone ids' : 'be a zone id'} such as FRA-A` }),
    MaxLength(32, { each, message: 'must be at most 32 characters' }),
  );

export const IsZoneIdList = () =>
  applyDecorators(
    IsArray({ message: 'must be a list of zone ids' }),
    ArrayNotEmpty({ message: 'must name at least one zone (omit it for all zones)' }),
    ArrayMaxSize(MAX_IDS, { message: `must name at most ${MAX_IDS} zones` }),
    ArrayUnique({ message: 'must not repeat a zone' }),
    IsZoneId(true),
  );

/** The metadata key under which a class lists the properties of which it needs at least one. */
const ONE_OF_REQUIRED = 'gateway:requireOneOf';

/**
 * Marks a DTO that needs at least one of `properties` set: {@link missingOneOf} checks it (where
 * the whole input is at hand), and the OpenAPI document states it as `anyOf` of `required` lists.
 */
export const RequireOneOf =
  (...properties: string[]): ClassDecorator =>
  (target) => {
    Reflect.defineMetadata(ONE_OF_REQUIRED, properties, target);
  };

/** The properties of which `dto` needs at least one, when it is marked with {@link RequireOneOf}. */
export const requiredOneOf = (dto: Function): string[] | undefined => Reflect.getMetadata(ONE_OF_REQUIRED, dto);

/** What is wrong with `value` by the {@link RequireOneOf} rule of `dto`; undefined when it keeps it. */
export function missingOneOf(dto: Function, value: object): string | undefined {
  const properties = requiredOneOf(dto);
  if (!properties || properties.some((property) => (value as Record<string, unknown>)[property] !== undefined)) return undefined;
  return `must set ${properties.join(' or ')} (or both)`;
}
