import { AxiosAdapter, AxiosError, AxiosResponse, CanceledError, InternalAxiosRequestConfig } from 'axios';
import { Agent as HttpAgent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

/** Options shared by both agents: sockets kept open between calls, as many idle as may be busy. */
export interface KeepAliveOptions {
  maxSockets: number;
  /** TCP keep-alive probe delay on idle sockets. */
  keepAliveMsecs: number;
}

const PROBED = Symbol('zenlayer.keepAliveSet');

/**
 * Node's agent calls `socket.setKeepAlive` every time a socket goes back to the pool: two
 * system calls per upstream call for a setting that never changes. Set it once per socket.
 */
function keepSocketAliveOnce<A extends HttpAgent>(agent: A, keepAliveMsecs: number): A {
  const original = (agent as unknown as { keepSocketAlive(socket: Socket): boolean }).keepSocketAlive.bind(agent);
  (agent as unknown as { keepSocketAlive(socket: Socket): boolean }).keepSocketAlive = (socket: Socket) => {
    const tagged = socket as Socket & { [PROBED]?: true };
    if (!tagged[PROBED]) {
      tagged[PROBED] = true;
      socket.setKeepAlive(true, keepAliveMsecs);
      // From now on the agent's own call is a no-op for this socket.
      socket.setKeepAlive = () => socket;
    }
    return original(socket);
  };
  return agent;
}

export function keepAliveAgents(options: KeepAliveOptions): { http: HttpAgent; https: HttpsAgent } {
  const agentOptions = { keepAlive: true, keepAliveMsecs: options.keepAliveMsecs, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' as const };
  return {
    http: keepSocketAliveOnce(new HttpAgent(agentOptions), options.keepAliveMsecs),
    https: keepSocketAliveOnce(new HttpsAgent(agentOptions), options.keepAliveMsecs),
  };
}

/**
 * An axios adapter for what this client sends: one POST of a prepared body to a fixed origin,
 * the answer read whole as text. axios's own Node adapter also handles redirects, proxies,
 * streams, compression, form data and progress events, and sets TCP keep-alive on every call;
 * none of that applies here, and it cost more CPU per call than the rest of the gateway's
 * upstream path together (measured with the reference benchmark). Failures are the errors
 * axios itself would give (`AxiosError` with the socket's code, `ERR_BAD_RESPONSE` for an
 * answer over `maxContentLength`, `CanceledError` on abort), so everything above the adapter
 * is unchanged.
 */
export function keepAliveAdapter(baseUrl: string, agents: { http: HttpAgent; https: HttpsAgent }): AxiosAdapter {
  const origin = new URL(baseUrl);
  const secure = origin.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const agent = secure ? agents.https : agents.http;
  const port = origin.port || (secure ? 443 : 80);

  return (config: InternalAxiosRequestConfig) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const body = config.data as Buffer;
      const headers: Record<string, string | number> = { 'content-length': body.length };
      for (const [name, value] of Object.entries(config.headers.toJSON())) {
        if (typeof value === 'string' || typeof value === 'number') headers[name] = value;
      }
      let request: ClientRequest | undefined;
      const signal = config.signal as AbortSignal | undefined;
      const onAbort = () => request?.destroy(new CanceledError());
      if (signal?.aborted) return reject(new CanceledError());

      request = send(
        { agent, hostname: origin.hostname, port, path: config.url, method: (config.method ?? 'post').toUpperCase(), headers },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let received = 0;
          const limit = config.maxContentLength ?? -1;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            // As axios's own adapter: an answer over maxContentLength is refused, not buffered.
            if (limit > -1 && received > limit) {
              request!.destroy(new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, request));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', (error) => finish(error));
          response.on('end', () => {
            signal?.removeEventListener('abort', onAbort);
            resolve({
              data: Buffer.concat(chunks).toString('utf8'),
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? '',
              headers: response.headers as AxiosResponse['headers'],
              config,
              request,
            });
          });
        },
      );
      const finish = (error: Error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error instanceof AxiosError ? error : AxiosError.from(error, (error as NodeJS.ErrnoException).code, config, request));
      };
      request.on('error', finish);
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
}
