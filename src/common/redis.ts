import { createClient, RedisClientType } from '@keyv/redis';

/**
 * One Redis connection for the gateway's shared state (cache, rate limits). Commands fail at
 * once while it is disconnected instead of queueing, so callers can fall back rather than wait.
 */
export function createRedisConnection(url: string, onError: (error: unknown) => void): RedisClientType {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2000) },
  }) as RedisClientType;
  client.on('error', onError);
  return client;
}

/** Connects, waiting at most `timeoutMs`; the client goes on trying in the background. */
export async function connectWithin(client: RedisClientType, timeoutMs: number, onError: (error: unknown) => void): Promise<boolean> {
  if (!client.isOpen) client.connect().catch(onError);
  const deadline = Date.now() + timeoutMs;
  while (!client.isReady && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  return client.isReady;
}

/** Injection token of the shared connection; `null` when `REDIS_URL` is not set. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
