/** Response bodies and writers: Zenlayer envelopes, plus the non-API pages faults serve. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimulatorError } from './errors';

/** A Zenlayer-style request id: `T` and an upper-case UUID. */
export const newRequestId = (): string => `T${randomUUID().toUpperCase()}`;

/** The success envelope: the request id appears both outside and inside `response`. */
export const successPayload = (requestId: string, fields: object): object => ({ requestId, response: { requestId, ...fields } });

/** The failure envelope. */
export const errorPayload = (requestId: string, code: string, message: string): object => ({ requestId, code, message });

/** Writes a JSON body with an exact content length. */
export function sendJson(res: ServerResponse, status: number, payload: object): void {
  sendText(res, status, 'application/json', JSON.stringify(payload));
}

/** Writes a Zenlayer failure envelope for `error`. */
export function sendError(res: ServerResponse, error: SimulatorError, requestId = newRequestId()): void {
  sendJson(res, error.status, errorPayload(requestId, error.code, error.message));
}

/** Writes any text body; `extraHeaders` win over the defaults. */
export function sendText(res: ServerResponse, status: number, contentType: string, body: string, extraHeaders: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length), ...extraHeaders });
  res.end(bytes);
}

/** A reverse proxy's error page, as a gateway in front of the API would serve it. */
export function proxyErrorPage(status: number): string {
  const title = `${status} ${PROXY_REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const PROXY_REASONS: Readonly<Record<number, string>> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** The edge's interactive challenge page (served with `cf-mitigated: challenge`). */
export const CHALLENGE_PAGE =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>' +
  '<body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>';

/** A success envelope cut off mid-way: valid UTF-8, invalid JSON. */
export function truncatedJson(requestId: string): string {
  const whole = JSON.stringify(successPayload(requestId, { dataSet: [], totalCount: 0 }));
  return whole.slice(0, Math.floor(whole.length / 2));
}
