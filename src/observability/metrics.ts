import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Zenlayer codes kept as label values; any other becomes OTHER, so labels stay bounded. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 200;
/** The circuit breaker's states, as the upstream policies report them (defined here: observability depends on nothing above it). */
export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';
export const CIRCUIT_STATES: readonly CircuitStateName[] = ['closed', 'half-open', 'open', 'isolated'];

/**
 * The gateway's Prometheus metrics, in a registry of its own (so several gateways in one
 * process, as in tests, do not mix). Every label value comes from a bounded set: no ids, no
 * free text.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  private readonly httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly graphqlOperations = new Counter({ name: 'graphql_operations_total', help: 'GraphQL operations by type, name and outcome', labelNames: ['type', 'operation', 'outcome'], registers: [this.registry] });
  private readonly upstreamCalls = new Counter({ name: 'zenlayer_upstream_calls_total', help: 'Calls (attempts) to Zenlayer by action and outcome', labelNames: ['action', 'outcome'], registers: [this.registry] });
  private readonly upstreamDuration = new Histogram({
    name: 'zenlayer_upstream_call_duration_seconds',
    help: 'Duration of calls (attempts) to Zenlayer by action',
    labelNames: ['action'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly upstreamRetries = new Counter({ name: 'zenlayer_upstream_retries_total', help: 'Retries of calls to Zenlayer by kind of call', labelNames: ['kind'], registers: [this.registry] });
  private readonly cacheReads = new Counter({ name: 'zenlayer_cache_reads_total', help: 'Upstream reads by action and outcome: hit (cache), coalesced (shared a call in flight), miss (called Zenlayer)', labelNames: ['action', 'outcome'], registers: [this.registry] });
  private readonly circuitState = new Gauge({ name: 'zenlayer_upstream_circuit_state', help: 'Circuit breaker state towards Zenlayer: 1 for the current state', labelNames: ['state'], registers: [this.registry] });
  private readonly dependencyProbes = new Map<string, () => boolean>();
  private readonly dependencyUp = new Gauge({
    name: 'gateway_dependency_up',
    help: 'Whether a dependency is usable, read at each scrape: upstream (1 unless the circuit towards Zenlayer is open), redis (1 while connected; only with REDIS_URL)',
    labelNames: ['dependency'],
    registers: [this.registry],
    collect: () => {
      for (const [dependency, up] of this.dependencyProbes) this.dependencyUp.set({ dependency }, up() ? 1 : 0);
    },
  });
  private readonly rateLimitRejections = new Counter({ name: 'rate_limit_rejections_total', help: 'Requests refused by a rate limit: client (per-client limit) or upstream (shared limits towards Zenlayer)', labelNames: ['limiter'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.circuit('closed');
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  graphqlOperation(type: string, name: string | undefined, ok: boolean): void {
    this.graphqlOperations.inc({ type, operation: this.boundedOperationName(name), outcome: ok ? 'ok' : 'error' });
  }

  /** One upstream call: `outcome` is OK or a bounded label the upstream module gives a failure. */
  upstreamCall(action: string, outcome: string, seconds: number): void {
    this.upstreamCalls.inc({ action, outcome });
    this.upstreamDuration.observe({ action }, seconds);
  }

  retry(kind: 'read' | 'write'): void {
    this.upstreamRetries.inc({ kind });
  }

  cacheRead(action: string, outcome: 'hit' | 'miss' | 'coalesced'): void {
    this.cacheReads.inc({ action, outcome });
  }

  circuit(state: CircuitStateName): void {
    for (const s of CIRCUIT_STATES) this.circuitState.set({ state: s }, s === state ? 1 : 0);
  }

  /** Reports `name` in `gateway_dependency_up`, asking `up` at each scrape. */
  dependency(name: 'upstream' | 'redis', up: () => boolean): void {
    this.dependencyProbes.set(name, up);
  }

  rateLimited(limiter: 'client' | 'upstream'): void {
    this.rateLimitRejections.inc({ limiter });
  }

  /** Client-chosen names are free text: kept only while few and well-formed. */
  private boundedOperationName(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
