import { Client, createClient } from 'graphql-ws';
import net from 'node:net';
import WebSocket from 'ws';

export interface Received {
  values: unknown[];
  errors: unknown[];
  completed: boolean;
  closedWith?: number;
}

/** A graphql-ws client, as a frontend would open it, against a gateway on loopback. */
export function wsClient(httpUrl: string, connectionParams: Record<string, unknown> = {}): Client & { closes: number[] } {
  const closes: number[] = [];
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  return Object.assign(client, { closes });
}

/** Subscribes and collects everything until the subscription ends (bounded in time). */
export function collect(client: Client, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<Received> {
  const received: Received = { values: [], errors: [], completed: false };
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      dispose();
      resolve(received);
    }, timeoutMs);
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => received.values.push(value),
        error: (error) => {
          received.errors.push(error);
          clearTimeout(timer);
          resolve(received);
        },
        complete: () => {
          received.completed = true;
          clearTimeout(timer);
          resolve(received);
        },
      },
    );
  });
}

/** One graphql-transport-ws connection spoken frame by frame with the `ws` package: what a hostile client sees. */
export interface RawConnection {
  ws: WebSocket;
  /** Every message received, parsed. */
  messages: any[];
  /** Resolves when the connection has closed, with the code and reason the gateway sent. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** The first message (already received or still to come) matching `match`; rejects after `timeoutMs` or on close. */
  next(match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

/** Opens a WebSocket to `/graphql` offering the graphql-transport-ws subprotocol, and nothing else. */
export function rawConnection(httpUrl: string, headers: Record<string, string> = {}): Promise<RawConnection> {
  const ws = new WebSocket(new URL('/graphql', httpUrl.replace(/^http/, 'ws')), 'graphql-transport-ws', { headers });
  const messages: any[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      ended = true;
      waiters.forEach((wake) => wake());
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    waiters.forEach((wake) => wake());
  });
  const connection: RawConnection = {
    ws,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: (match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found === undefined && !ended) return;
          clearTimeout(timer);
          waiters.delete(check);
          if (found !== undefined) resolve(found);
          else reject(new Error(`closed before the awaited message; received ${JSON.stringify(messages).slice(0, 500)}`));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no awaited message within ${timeoutMs} ms; received ${JSON.stringify(messages).slice(0, 500)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.terminate();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(connection));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade answered ${response.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Opens a connection and has its connection_init acknowledged; throws with the close code when it is refused. */
export async function acknowledgedConnection(httpUrl: string, payload: Record<string, unknown>): Promise<RawConnection> {
  const connection = await rawConnection(httpUrl);
  connection.send({ type: 'connection_init', payload });
  try {
    await connection.next((m) => m.type === 'connection_ack');
  } catch (error) {
    const { code, reason } = await Promise.race([connection.closed, new Promise<{ code: number; reason: string }>((r) => setTimeout(() => r({ code: 0, reason: '' }), 100))]);
    await connection.close();
    throw new Error(`connection_init refused: ${code} ${reason} (${(error as Error).message})`);
  }
  return connection;
}

/** What the gateway did with one raw HTTP request on its own connection. */
export interface RawExchange {
  /** Everything the gateway sent. */
  response: string;
  /** Whether the gateway ended the connection itself (rather than the test timing out). */
  closedByServer: boolean;
}

/** Writes `request` on a fresh connection to 127.0.0.1:`port` and reads until the gateway closes it (at most `timeoutMs`). */
export function rawExchange(port: number, request: string, timeoutMs = 3000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => {
      closedByServer = true;
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closedByServer });
    });
    socket.write(request);
  });
}

/** A client-to-server WebSocket frame header (masked, as a client must) announcing `length` bytes of payload. */
export function clientFrameHeader(length: number, opcode = 0x1): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  if (length < 126) return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | length]), mask]);
  if (length < 65536) {
    const header = Buffer.from([0x80 | opcode, 0x80 | 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    return Buffer.concat([header, mask]);
  }
  const header = Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([header, mask]);
}
