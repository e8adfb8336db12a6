import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/** A bounded route label: the route's pattern, never the path with its ids. */
function routeOf(req: Request): string {
  const path = req.originalUrl.split('?')[0];
  if (path === '/graphql') return '/graphql';
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  if (path.startsWith('/playground/')) return '/playground';
  if (path.startsWith('/docs')) return '/docs';
  return 'unmatched';
}

/** Counts every HTTP request by route, method and status, with its duration. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => metrics.httpRequest(req.method, routeOf(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  };
}
