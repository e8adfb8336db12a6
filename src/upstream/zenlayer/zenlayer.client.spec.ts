import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { authorizationHeader } from './signer';
import { staticCredentials } from './credentials';
import { ZenlayerClient } from './zenlayer.client';
import { ZenlayerError } from './zenlayer.error';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** A scripted stand-in whose next answer each test chooses, to exercise every failure shape. */
class ScriptedUpstream {
  private server: Server;
  private sockets = new Set<Socket>();
  handler: Handler = (_req, _body, res) => res.end();
  last?: { headers: IncomingMessage['headers']; body: Buffer };
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.last = { headers: req.headers, body };
        this.handler(req, body, res);
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, _b, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe(ZenlayerClient.name, () => {
  const upstream = new ScriptedUpstream();
  const credentials = { accessKeyId: 'AKID-TEST', accessKeyPassword: 'pw-never-shown' };
  let client: ZenlayerClient;

  beforeAll(async () => {
    await upstream.start();
    client = new ZenlayerClient({
      baseUrl: upstream.url,
      timeoutMs: 300,
      credentials: staticCredentials(credentials),
      clock: () => 1763800002,
    });
  });
  afterAll(() => upstream.stop());

  const failureOf = async (promise: Promise<unknown>): Promise<ZenlayerError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ZenlayerError);
    return error as ZenlayerError;
  };

  it('sends the documented headers and a signature over the exact bytes sent', async () => {
    upstream.handler = json(200, { requestId: 'R1', response: { requestId: 'R1', images: [] } });
    await client.call('DescribeImageQuota', { zoneIds: ['FRA-A'] });
    const { headers, body } = upstream.last!;
    const host = new URL(upstream.url).host;
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      host,
      'x-zc-service': 'vm',
      'x-zc-version': '2023-03-13',
      'x-zc-action': 'DescribeImageQuota',
      'x-zc-timestamp': '1763800002',
      'x-zc-signature-method': 'ZC2-HMAC-SHA256',
    });
    expect(body.toString()).toBe('{"zoneIds":["FRA-A"]}');
    expect(headers.authorization).toBe(authorizationHeader(credentials, { host, timestamp: '1763800002', body }));
  });

  it('unwraps `response` and returns the request id', async () => {
    upstream.handler = json(200, { requestId: 'R2', response: { requestId: 'R2', imageId: 'img-1' } });
    await expect(client.call('CreateImage', { instanceId: 'i', imageName: 'n' })).resolves.toEqual({
      requestId: 'R2',
      response: { imageId: 'img-1' },
    });
  });

  it('turns a failure body into a typed error with action, status, code and request id', async () => {
    upstream.handler = json(400, { requestId: 'R3', code: 'LIMIT_EXCEEDED_IMAGE_QUOTA', message: 'quota' });
    const error = await failureOf(client.call('CreateImage', { instanceId: 'i', imageName: 'n' }));
    expect(error).toMatchObject({ action: 'CreateImage', kind: 'api', httpStatus: 400, code: 'LIMIT_EXCEEDED_IMAGE_QUOTA', requestId: 'R3', message: 'quota' });
  });

  it('normalises the dotted spelling of codes', async () => {
    upstream.handler = json(404, { requestId: 'R4', code: 'Invalid.Image.Not.Found', message: 'x' });
    const error = await failureOf(client.call('DescribeImage', { imageId: 'img-x' }));
    expect(error.normalizedCode).toBe('INVALID_IMAGE_NOT_FOUND');
  });

  it.each([
    ['an empty body', json(200, '')],
    ['truncated JSON', json(200, '{"requestId":"R5","respon')],
    ['an HTML error page', (_r: IncomingMessage, _b: Buffer, res: ServerResponse) => { res.writeHead(502, { 'content-type': 'text/html' }); res.end('<html><body>Bad gateway</body></html>'); }],
    ['a JSON array', json(200, '[]')],
    ['200 without `response`', json(200, { requestId: 'R6' })],
    ['an error status without a code', json(500, { requestId: 'R7' })],
  ] as const)('turns %s into a bad-response error', async (_name, handler) => {
    upstream.handler = handler as Handler;
    const error = await failureOf(client.call('DescribeZones', {}));
    expect(error.kind).toBe('bad-response');
    expect(error.action).toBe('DescribeZones');
  });

  it.each([
    ['an HTML page', (_r: IncomingMessage, _b: Buffer, res: ServerResponse) => { res.writeHead(429, { 'content-type': 'text/html' }); res.end('<html><body>Too Many Requests</body></html>'); }],
    ['an empty body', json(429, '')],
  ] as const)('reports HTTP 429 with %s as throttled: Zenlayer did not act', async (_name, handler) => {
    upstream.handler = handler as Handler;
    const error = await failureOf(client.call('CreateImage', { instanceId: 'i', imageName: 'n' }));
    expect(error).toMatchObject({ action: 'CreateImage', httpStatus: 429, throttled: true });
  });

  it('recognises an edge challenge and a policy block', async () => {
    upstream.handler = (_r, _b, res) => { res.writeHead(403, { 'cf-mitigated': 'challenge', 'content-type': 'text/html' }); res.end('<html/>'); };
    expect((await failureOf(client.call('DescribeZones', {}))).kind).toBe('challenge');
    upstream.handler = json(451, '<html/>');
    expect((await failureOf(client.call('DescribeZones', {}))).kind).toBe('blocked');
  });

  it('times out an attempt that takes longer than the per-attempt timeout', async () => {
    upstream.handler = (_r, _b, res) => { setTimeout(() => json(200, { requestId: 'x', response: {} })(_r, _b, res), 1000).unref(); };
    const started = Date.now();
    const error = await failureOf(client.call('DescribeZones', {}));
    expect(error).toMatchObject({ kind: 'timeout', sent: true });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('reports a connection reset mid-answer as a network error that may have been acted on', async () => {
    upstream.handler = (req) => req.socket.destroy();
    expect(await failureOf(client.call('DeleteImages', { imageIds: ['a'] }))).toMatchObject({ kind: 'network', sent: true });
    upstream.handler = (_r, _b, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }); res.write('{"requestId":'); setTimeout(() => res.socket?.destroy(), 10); };
    expect((await failureOf(client.call('DescribeZones', {}))).kind).toMatch(/network|bad-response/);
  });

  it('refuses an answer larger than it reads, without buffering it all', async () => {
    const limit = 64 * 1024;
    const small = new ZenlayerClient({ baseUrl: upstream.url, timeoutMs: 5000, credentials: staticCredentials(credentials), maxAnswerBytes: limit });
    let written = 0;
    upstream.handler = (_r, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const more = () => {
        // Bounded: at most 64 times the limit is offered.
        while (written < 64 * limit && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    };
    const error = await failureOf(small.call('DescribeImages', {}));
    expect(error).toMatchObject({ kind: 'bad-response', sent: true, message: 'Zenlayer sent an answer larger than the gateway reads' });
    // The gateway hung up long before the answer was all offered.
    expect(written).toBeLessThan(64 * limit);
  });

  it('reports a refused connection as not sent', async () => {
    const closed = new ScriptedUpstream();
    await closed.start();
    await closed.stop();
    const offline = new ZenlayerClient({ baseUrl: closed.url, timeoutMs: 300, credentials: staticCredentials(credentials) });
    expect(await failureOf(offline.call('DescribeZones', {}))).toMatchObject({ kind: 'network', sent: false });
  });

  it('never puts the AccessKey password in an error', async () => {
    upstream.handler = json(401, { requestId: 'R8', code: 'AUTHFAILURE_SIGNATURE_FAILURE', message: 'bad signature' });
    const error = await failureOf(client.call('DescribeZones', {}));
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(credentials.accessKeyPassword);
  });
});
