import type { ZenlayerCredentials } from './credentials-file';

/** A client allowed by an API key. The key is kept only as its SHA-256. */
export interface ApiKeyClient {
  name: string;
  keySha256: Buffer;
  scopes: string[];
}

/** The validated configuration, built once at start and injected where it is needed. */
export interface GatewayConfig {
  port: number;
  host: string;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  zenlayer: {
    /** `simulator` when no credentials are configured outside production: the embedded simulator is used. */
    mode: 'zenlayer' | 'simulator';
    baseUrl: string;
    timeoutMs: number;
    credentials?: ZenlayerCredentials;
    credentialsFile?: string;
    /** Attempts per call, the first included; writes are retried only when Zenlayer certainly did not act. */
    maxAttempts: number;
    /** First retry delay; later ones grow exponentially, with full jitter. */
    retryBaseMs: number;
    /** Calls to Zenlayer in flight at once, for the whole gateway. */
    concurrency: number;
    /** Calls waiting for a free slot or a token before RATE_LIMITED. */
    queueSize: number;
    /** Token bucket: calls to Zenlayer per second, for the whole gateway. */
    ratePerSecond: number;
    circuitFailureThreshold: number;
    circuitHalfOpenAfterMs: number;
  };
  /** Everything a client request may take, upstream calls and retries included. */
  requestDeadlineMs: number;
  /** How long an idempotency key is remembered. */
  idempotencyTtlSeconds: number;
  /**
   * After a keyed CreateImage whose outcome is unknown, how long Zenlayer may still carry it
   * out: repeats with the key create nothing until this has passed.
   */
  idempotencySettleSeconds: number;
  /** Bounds of the backoff between status polls of an image being watched by subscribers. */
  subscriptionPoll: { minMs: number; maxMs: number };
  /** How long in-flight requests get to finish on SIGTERM (at least the request deadline). */
  shutdownGraceMs: number;
  /**
   * Which proxies' `X-Forwarded-For` is believed, in a form Fastify's `trustProxy` takes: a hop
   * count, or addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`. The client
   * address it gives is the one every limit, log line and WebSocket check uses.
   */
  trustProxy: number | string[];
  simulator: {
    credentials: ZenlayerCredentials;
    imageReadyDelayMs: number;
  };
  auth: {
    /** Set only by GATEWAY_ALLOW_UNAUTHENTICATED=true, and only outside production. */
    allowUnauthenticated: boolean;
    apiKeys: ApiKeyClient[];
    jwt?: { secret?: string; jwksUri?: string; issuer?: string; audience?: string };
  };
  graphql: {
    introspection: boolean;
    playground: boolean;
    maxDepth: number;
    maxAliases: number;
    maxRootFields: number;
    maxCost: number;
    maxDocumentBytes: number;
    maxBatch: number;
    /** Distinct upstream calls one operation may cause (each aliased root field with its own arguments is one). */
    maxUpstreamCalls: number;
    /**
     * Trusted-documents mode: when set, only these operations are served (by id or by their
     * full text), over HTTP and WebSocket. Keys are ids and SHA-256 hashes of the text.
     */
    trustedDocuments?: ReadonlyMap<string, string>;
    /** graphql-ws: how long a connection may take to authenticate (connection_init) before it is closed. */
    wsInitTimeoutMs: number;
    /** graphql-ws: open connections per client identity. */
    wsMaxConnectionsPerClient: number;
    /** graphql-ws: active subscriptions per client identity, over all its connections. */
    wsMaxSubscriptionsPerClient: number;
  };
  /** How long a client may take to send a request's headers and body. */
  requestTimeoutMs: number;
  /** Failed authentications per minute per source address before 429; 0 is off. */
  authFailuresPerMinute: number;
  /** Upstream calls one client may have in flight at once, within the gateway-wide concurrency. */
  upstreamConcurrencyPerClient: number;
  /** Whether the OpenAPI document (/docs-json) and its UI (/docs) are served. */
  docs: boolean;
  /** Bearer token /metrics asks for; open when unset (outside production, or on its own port). */
  metricsToken?: string;
  /** When set, /metrics is served on this port alone, on HOST, and not on the API port. */
  metricsPort?: number;
  /**
   * /metrics on the API port: `on` (behind METRICS_TOKEN when set), `off` (METRICS_PORT serves
   * it), or `needs-token` (production without either: refused with a message naming both).
   */
  metricsOnApiPort: 'on' | 'off' | 'needs-token';
  /** OTLP/HTTP collector for traces; tracing is off (and costs nothing) when unset. */
  otlpEndpoint?: string;
  /** Requests per minute per client; 0 is off. */
  rateLimitPerMinute: number;
  /**
   * Secret values as configured (AccessKey password, plain API keys, JWT secret), kept only so
   * that text on its way out (upstream messages, logs) can be scrubbed of them.
   */
  secrets: string[];
  /** Seconds each kind of upstream read is kept; 0 is off. */
  cacheTtlSeconds: { zones: number; quotas: number; images: number };
  redisUrl?: string;
  corsOrigins: string[];
}

/** Injection token of {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
