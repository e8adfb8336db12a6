import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError, httpStatusOf, problemDetails } from '../common/errors';
import { requestIdOf, RequestWithContext } from '../common/request-context';
import { Metrics } from './metrics';
import { METRICS_CONTENT_TYPE, METRICS_REFUSAL, metricsAccess } from './metrics-access';

/** The METRICS_PORT listener: `/metrics` alone, so the API port (and its ingress) never serves them. */
export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}


/**
 * Serves the registry at `GET /metrics` on `port` (0: any free port), behind METRICS_TOKEN when
 * it is set. Nothing else answers but 404 and 405: it is a scrape target, not an API.
 */
export async function serveMetrics(metrics: Metrics, port: number, host: string, token: string | undefined): Promise<MetricsServer> {
  const allowed = metricsAccess(token);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const answer = (status: number, headers: Record<string, string>, body: string) => {
      // Every answer carries a request id (API.md), as on the API port.
      const requestId = requestIdOf(request as unknown as RequestWithContext);
      response.writeHead(status, { 'cache-control': 'no-store', 'x-request-id': requestId, ...headers }).end(request.method === 'HEAD' ? undefined : body);
    };
    // The same problem+json refusals as the API port's.
    const refuse = (error: GatewayError, headers: Record<string, string> = {}) =>
      answer(httpStatusOf(error), { 'content-type': 'application/problem+json; charset=utf-8', ...headers }, JSON.stringify(problemDetails(error, path)));
    if (path !== '/metrics') return refuse(new GatewayError('NOT_FOUND', 'This port serves GET /metrics only'));
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(GatewayError.fromStatus(405, `/metrics does not take ${request.method}; it takes GET, HEAD`)!, { allow: 'GET, HEAD' });
    if (!allowed(request.headers.authorization)) return refuse(new GatewayError('UNAUTHENTICATED', METRICS_REFUSAL), { 'www-authenticate': 'Bearer' });
    metrics.registry.metrics().then(
      (text) => answer(200, { 'content-type': METRICS_CONTENT_TYPE }, text),
      () => refuse(new GatewayError('INTERNAL_SERVER_ERROR', 'The metrics could not be collected')),
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
