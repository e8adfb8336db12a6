import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import FindMyWay, { HTTPMethod } from 'find-my-way';
import { GatewayError, sendGatewayError } from './errors';

/**
 * Answers a method a path does not take with 405 and an `Allow` header listing those it does
 * (RFC 9110 §15.5.6), instead of the router's 404. Call it before the routes are added: it
 * learns them as Fastify adds them. Catch-all routes (CORS's `OPTIONS *`) say nothing of a
 * path, so they are not counted.
 */
export function answerUnsupportedMethods(fastify: FastifyInstance): void {
  // A second router with the same paths, asked only about requests the first could not route.
  const routes = FindMyWay({ ignoreTrailingSlash: true });
  const methodsOf = new Map<string, Set<string>>();
  fastify.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((method) => method.toUpperCase());
    for (const method of methods) {
      if (!routes.hasRoute(method as HTTPMethod, route.url)) routes.on(method as HTTPMethod, route.url, () => undefined);
    }
    methodsOf.set(route.url, new Set([...(methodsOf.get(route.url) ?? []), ...methods]));
  });

  const allowedFor = (path: string): string[] => {
    const allowed = new Set<string>();
    for (const method of new Set([...methodsOf.values()].flatMap((methods) => [...methods]))) {
      if (routes.find(method as HTTPMethod, path)) allowed.add(method);
    }
    return [...allowed].sort(byUsualOrder);
  };

  const hook: onRequestHookHandler = (request, reply, done) => {
    // A routed request has its route; only the router's misses are asked about.
    if (request.routeOptions.url !== undefined) return done();
    const path = request.url.split('?', 1)[0];
    const allowed = allowedFor(path);
    if (allowed.length === 0) return done();
    reply.header('allow', allowed.join(', '));
    sendGatewayError(request, reply, GatewayError.fromStatus(405, `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`)!);
  };
  fastify.addHook('onRequest', hook);
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const byUsualOrder = (a: string, b: string) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b);
