import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an `Authorization` header may read the metrics: always when no METRICS_TOKEN is set,
 * else only `Bearer <METRICS_TOKEN>`, compared in constant time. One rule for the API port and
 * the METRICS_PORT listener.
 */
export function metricsAccess(token: string | undefined): (authorization: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = digest(token);
  return (authorization) => timingSafeEqual(digest(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? ''), expected);
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const METRICS_REFUSAL = 'The metrics need Authorization: Bearer <METRICS_TOKEN>';
