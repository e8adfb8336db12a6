import type { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { GatewayError, logRefusal, rawRefusal } from '../common/errors';
import { GRAPHQL_PATH, pathOf, requestIdOf, RequestWithContext } from '../common/request-context';
import type { GatewayConfig } from '../config';
import { isAdmitted } from './graphql-ws';

/** Largest message before connection_ack: a connection_init with a token is a few KB. */
const PRE_AUTH_MAX_MESSAGE_BYTES = 16 * 1024;

/** Room for variables and the JSON around them, beyond the largest document allowed. */
const VARIABLES_MARGIN_BYTES = 64 * 1024;

/** Largest WebSocket message once authenticated: a `subscribe` with the largest document allowed. */
const maxMessageBytes = (limits: Pick<GatewayConfig['graphql'], 'maxDocumentBytes'>): number => limits.maxDocumentBytes + VARIABLES_MARGIN_BYTES;

/**
 * The WebSocket server @nestjs/graphql made for graphql-ws. Nest offers no option for it (size
 * limit, upgrade routing), so it is taken from the driver; a Nest upgrade that moves it fails the
 * start here rather than leaving the gateway without limits.
 */
export function graphqlWsServerOf(app: INestApplication): WebSocketServer {
  const driver = app.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as { _subscriptionService?: { wss?: WebSocketServer } };
  const wss = driver._subscriptionService?.wss;
  if (!wss || typeof wss.handleUpgrade !== 'function' || typeof wss.options !== 'object') {
    throw new Error('The graphql-ws WebSocket server of @nestjs/graphql was not found: its limits cannot be applied');
  }
  return wss;
}

/**
 * Serves every HTTP upgrade of the gateway in place of Nest's handler, which leaves upgrades to
 * other paths unanswered and open. `/graphql` goes to graphql-ws, with WebSocket messages capped
 * (GRAPHQL_MAX_DOCUMENT_BYTES plus room for variables, refused from the frame header, before
 * anything is buffered) and kept to {@link PRE_AUTH_MAX_MESSAGE_BYTES} until connection_init is
 * accepted. Anything else is answered 404 (a bad handshake on `/graphql`: 400 by `ws`) with
 * `Connection: close`, and the socket destroyed. Call after `app.init()`, which makes the server.
 */
export function routeWebSocketUpgrades(
  server: Server,
  wss: WebSocketServer,
  limits: Pick<GatewayConfig['graphql'], 'maxDocumentBytes'>,
  securityHeaders: Record<string, string>,
): void {
  wss.options.maxPayload = maxMessageBytes(limits);
  // Nest's listener is the only one: nothing else in the gateway takes upgrades.
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(request.url ?? '') !== GRAPHQL_PATH) return refuseUpgrade(socket, request, securityHeaders);
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit('connection', ws, request);
      guardMessages(ws);
    });
  });
}

/**
 * Answers an upgrade to a path that takes none with 404, as any other refusal is answered (and
 * logged), and closes the connection once the answer is out.
 */
function refuseUpgrade(socket: Duplex, request: IncomingMessage, securityHeaders: Record<string, string>): void {
  const url = request.url ?? '';
  const requestId = requestIdOf(request as IncomingMessage & RequestWithContext);
  const refusal = new GatewayError('NOT_FOUND', `No WebSocket endpoint at ${pathOf(url)}: GraphQL over WebSocket is served at ${GRAPHQL_PATH}`);
  socket.once('finish', () => socket.destroy());
  // A peer that reads nothing cannot hold the connection open either.
  setTimeout(() => socket.destroy(), 1000).unref();
  socket.end(rawRefusal(refusal, url, requestId, securityHeaders));
  logRefusal(requestId, request.method, url, 404, 'upgrade not served');
}

const byteLength = (data: RawData): number => (Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length);

/**
 * Puts a check in front of graphql-ws's own message and error listeners (registered on
 * 'connection'): before connection_init is accepted, a message over the small pre-auth limit
 * closes the connection (1009) instead of being parsed. Protocol errors `ws` raises itself
 * (a frame over the size limit, a bad frame) already close the connection with their code; they
 * are not graphql-ws's internal errors to log.
 */
function guardMessages(ws: WebSocket): void {
  const onMessage = ws.listeners('message') as Array<(data: RawData, isBinary: boolean) => void>;
  ws.removeAllListeners('message');
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (ws.readyState !== ws.OPEN) return;
    if (!isAdmitted(ws) && byteLength(data) > PRE_AUTH_MAX_MESSAGE_BYTES) {
      ws.close(1009, `Message too big before connection_ack (at most ${PRE_AUTH_MAX_MESSAGE_BYTES} bytes)`);
      return;
    }
    for (const listener of onMessage) listener.call(ws, data, isBinary);
  });
  const onError = ws.listeners('error') as Array<(error: Error) => void>;
  ws.removeAllListeners('error');
  ws.on('error', (error: Error & { code?: string }) => {
    if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) return;
    for (const listener of onError) listener.call(ws, error);
  });
}
