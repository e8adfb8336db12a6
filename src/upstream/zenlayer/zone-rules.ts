/**
 * Zones where Zenlayer documents that CreateImage is not supported. Zenlayer's DescribeZones
 * does not say it, so the gateway knows it from the documentation.
 */
export const ZONES_WITHOUT_IMAGE_CREATION: ReadonlySet<string> = new Set(['SIN-E', 'LAX-A']);

export const zoneSupportsImageCreation = (zoneId: string): boolean => !ZONES_WITHOUT_IMAGE_CREATION.has(zoneId);
