import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from './metrics';
import { METRICS_CONTENT_TYPE, METRICS_REFUSAL, metricsAccess } from './metrics-access';

/** The METRICS_PORT listener: `/metrics` alone, so the API port (and its ingress) never serves them. */
export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}

const problem = (status: number, code: string, detail: string) =>
  JSON.stringify({ type: 'about:blank', title: code, status, code, detail });

/**
 * Serves the registry at `GET /metrics` on `port` (0: any free port), behind METRICS_TOKEN when
 * it is set. Nothing else answers but 404 and 405: it is a scrape target, not an API.
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string, token: string | undefined): Promise<MetricsServer> {
  const allowed = metricsAccess(token);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const answer = (status: number, headers: Record<string, string>, body: string) => {
      response.writeHead(status, { 'cache-control': 'no-store', ...headers }).end(request.method === 'HEAD' ? undefined : body);
    };
    const refuse = (status: number, code: string, detail: string, headers: Record<string, string> = {}) =>
      answer(status, { 'content-type': 'application/problem+json; charset=utf-8', ...headers }, problem(status, code, detail));
    if (path !== '/metrics') return refuse(404, 'NOT_FOUND', 'This port serves GET /metrics only');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'METHOD_NOT_ALLOWED', 'GET /metrics only', { allow: 'GET, HEAD' });
    if (!allowed(request.headers.authorization)) return refuse(401, 'UNAUTHENTICATED', METRICS_REFUSAL, { 'www-authenticate': 'Bearer' });
    metrics.registry.metrics().then(
      (text) => answer(200, { 'content-type': METRICS_CONTENT_TYPE }, text),
      () => refuse(500, 'INTERNAL', 'The metrics could not be collected'),
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
