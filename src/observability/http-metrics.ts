import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pathOf } from '../common/request-context';
import type { Metrics } from './metrics';

/** A bounded route label: the route's pattern, never the path with its ids. */
function routeOf(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  // Fastify's catch-all routes (the not-found handler, static files) have no useful pattern.
  if (pattern && !pattern.includes('*')) return pattern;
  const path = pathOf(request.url);
  if (path.startsWith('/playground/')) return '/playground';
  if (path.startsWith('/docs')) return '/docs';
  return 'unmatched';
}

/** Counts every HTTP request by route, method and status, with its duration. */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.method, routeOf(request), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
