import { Client, createClient } from 'graphql-ws';
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
