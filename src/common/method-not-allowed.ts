import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import FindMyWay, { HTTPMethod } from 'find-my-way';
import { GatewayError, sendGatewayError } from './errors';
import { pathOf } from './request-context';

/**
 * Answers a method a path does not take with 405 and an `Allow` header listing those it does
 * (RFC 9110 §15.5.6), instead of the router's 404. Call it before the routes are added: it
 * learns them as Fastify adds them. Catch-all routes (CORS's `OPTIONS *`) say nothing of a
 * path, so they are not counted.
 */
export function answerUnsupportedMethods(fastify: FastifyInstance): void {
  // A second router with the same paths, asked only about requests the first could not route.
  const routes = FindMyWay({ ignoreTrailingSlash: true });
  const methods = new Set<HTTPMethod>();
  fastify.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    for (const method of [route.method].flat().map((one) => one.toUpperCase() as HTTPMethod)) {
      methods.add(method);
      if (!routes.hasRoute(method, route.url)) routes.on(method, route.url, () => undefined);
    }
  });
  const allowedFor = (path: string): string[] => [...methods].filter((method) => routes.find(method, path)).sort(byUsualOrder);

  const hook: onRequestHookHandler = (request, reply, done) => {
    // A routed request has its route; only the router's misses are asked about.
    if (request.routeOptions.url !== undefined) return done();
    const path = pathOf(request.url);
    const allowed = allowedFor(path);
    if (allowed.length === 0) return done();
    reply.header('allow', allowed.join(', '));
    sendGatewayError(request, reply, GatewayError.fromStatus(405, `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`)!);
  };
  fastify.addHook('onRequest', hook);
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const byUsualOrder = (a: string, b: string) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b);
