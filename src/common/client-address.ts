import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';

/** Whether the hop at `address`, `index` hops from the gateway, is a proxy whose X-Forwarded-For is believed. */
export type TrustFunction = (address: string, index: number) => boolean;

/**
 * TRUST_PROXY as one function, the form Fastify's `trustProxy` also takes: a hop count trusts
 * that many proxies nearest the gateway, a list trusts those addresses and CIDRs. HTTP
 * (`request.ip`) and WebSocket upgrades both use it, so a client has one address everywhere.
 */
export function trustFunction(trust: number | string[]): TrustFunction {
  return typeof trust === 'number' ? (_address, index) => index < trust : proxyAddr.compile(trust);
}

/** The client's address: the farthest hop, walking X-Forwarded-For back through trusted proxies only. */
export function clientAddressOf(request: IncomingMessage, trust: TrustFunction): string {
  const hops = proxyAddr.all(request, trust);
  return hops[hops.length - 1] ?? '';
}
