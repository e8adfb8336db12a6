/**
 * Request-parameter readers. Each one throws the Zenlayer code a bad value earns and names the
 * parameter in its message. JSON `null` counts as absent, as the SDKs never send it.
 */
import { badRequest, ZC_ERROR } from './errors';

/** A parsed request body (always a JSON object by the time it gets here). */
export type RequestBody = Readonly<Record<string, unknown>>;

const IMAGE_NAME_PATTERN = /^[\p{Script=Han}A-Za-z0-9_-]+$/u;
const IMAGE_NAME_MAX = 24;
const IMAGE_DESCRIPTION_MAX = 255;
const IMAGE_NAME_RULE = 'imageName must be 1 to 24 characters of Chinese characters, letters, digits, - or _';

const isAbsent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** Length in Unicode code points, so one Chinese character (or emoji) counts once. */
const codePointLength = (value: string): number => [...value].length;

/** A string parameter that may be absent. */
export function optionalString(body: RequestBody, name: string): string | undefined {
  const value = body[name];
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') throw badRequest(ZC_ERROR.parameterType, `${name} must be a string`);
  return value;
}

/** A string parameter that must be present. */
export function requiredString(body: RequestBody, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw badRequest(ZC_ERROR.missingParameter, `${name} is required`);
  return value;
}

/** An array-of-strings parameter that may be absent (an empty array reads as absent: no filter). */
export function optionalStringArray(body: RequestBody, name: string): string[] | undefined {
  const value = body[name];
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw badRequest(ZC_ERROR.parameterType, `${name} must be an array of strings`);
  }
  return value.length === 0 ? undefined : value;
}

/** An array-of-strings parameter that must hold at least one item. */
export function requiredStringArray(body: RequestBody, name: string): string[] {
  const value = optionalStringArray(body, name);
  if (value === undefined) throw badRequest(ZC_ERROR.missingParameter, `${name} is required and must not be empty`);
  return value;
}

/** An integer parameter within `[min, max]` that may be absent. */
export function optionalInteger(body: RequestBody, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest(ZC_ERROR.parameterType, `${name} must be an integer`);
  if (value < min) throw badRequest(ZC_ERROR.parameterLessMinimum, `${name} must be at least ${min}`);
  if (value > max) throw badRequest(ZC_ERROR.parameterExceedMaximum, `${name} must be at most ${max}`);
  return value;
}

/** A string parameter restricted to `values` that may be absent. */
export function optionalEnum<T extends string>(body: RequestBody, name: string, values: readonly T[]): T | undefined {
  const value = optionalString(body, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw badRequest(ZC_ERROR.parameterValue, `${name} must be one of ${values.join(', ')}`);
  }
  return value as T;
}

/** Checks an image name: 1 to 24 code points of Han characters, ASCII letters, digits, `-`, `_`. */
export function checkImageName(value: string): string {
  const length = codePointLength(value);
  if (length < 1) throw badRequest(ZC_ERROR.parameterLessLength, IMAGE_NAME_RULE);
  if (length > IMAGE_NAME_MAX) throw badRequest(ZC_ERROR.parameterExceedLength, IMAGE_NAME_RULE);
  if (!IMAGE_NAME_PATTERN.test(value)) throw badRequest(ZC_ERROR.parameterPattern, IMAGE_NAME_RULE);
  return value;
}

/** Checks an image description: at most 255 code points (empty is allowed and clears it). */
export function checkImageDescription(value: string): string {
  if (codePointLength(value) > IMAGE_DESCRIPTION_MAX) {
    throw badRequest(ZC_ERROR.parameterExceedLength, `imageDescription must be at most ${IMAGE_DESCRIPTION_MAX} characters`);
  }
  return value;
}
