import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';
import proxyAddr from '@fastify/proxy-addr';
import { readCredentialsFile, ZenlayerCredentials } from './credentials-file';
import { readTrustedDocuments, TrustedDocumentMap } from './trusted-documents-file';
import { EnvironmentVariables } from './environment';
import type { ApiKeyClient, GatewayConfig } from './gateway-config';

/** Scopes a client may be granted. */
export const KNOWN_SCOPES = ['images:read', 'images:write', 'instances:read'] as const;

/** Variables whose values are secret: never echoed in an error message. */
const SECRET_VARIABLES = new Set(['ZENLAYER_ACCESS_KEY_PASSWORD', 'GATEWAY_API_KEYS', 'JWT_SECRET', 'SIMULATOR_ACCESS_KEY_PASSWORD', 'METRICS_TOKEN']);

const JWT_VARIABLES = 'JWT_SECRET or JWT_JWKS_URI (with JWT_ISSUER and JWT_AUDIENCE)';

/** The default drain is the request deadline plus this: time to write the last answers. */
const DRAIN_MARGIN_MS = 5000;

/** Secrets that a person typed from the documentation rather than generated. */
const PLACEHOLDER = /change[-_ .]?me|replace|placeholder|example|dummy|your[-_ ]?(api[-_ ]?)?(key|token|secret)|x{4,}|^(secret|password|token|key)\d*$/i;

/** Why a production secret is not fit, or undefined: shorter than 32 characters, a placeholder, or too few distinct characters. */
function weakSecret(value: string): string | undefined {
  if (value.length < 32) return 'must be at least 32 characters';
  if (PLACEHOLDER.test(value) || new Set(value).size < 10) return 'looks like a placeholder, not a generated secret';
  return undefined;
}

/** Thrown when the environment is not usable; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: ReadonlyMap<string, string[]>) {
    const lines = [...problems].map(([name, reasons]) => `  - ${name}: ${reasons.join('; ')}`);
    super(`Invalid configuration; fix these environment variables:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
  }
}

class Problems {
  readonly byVariable = new Map<string, string[]>();
  add(variable: string, reason: string): void {
    this.byVariable.set(variable, [...(this.byVariable.get(variable) ?? []), reason]);
  }
}

/**
 * Validates the environment once, at start, and returns the typed configuration.
 * @throws ConfigError naming every bad variable at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const problems = new Problems();
  const vars = plainToInstance(EnvironmentVariables, pickKnown(env));
  for (const error of validateSync(vars, { forbidUnknownValues: false })) {
    const shown = SECRET_VARIABLES.has(error.property) ? '' : ` (got ${JSON.stringify(error.value)})`;
    // Rules that share a message (IsInt, Min and Max of a number in range) say it once.
    const reasons = new Set(Object.values(error.constraints ?? {}));
    problems.add(error.property, `${[...reasons].join('; ')}${shown}`);
  }

  const production = vars.NODE_ENV === 'production';
  const credentials = upstreamCredentials(vars, problems);
  const apiKeys = parseApiKeys(vars.GATEWAY_API_KEYS, production, problems);
  const jwt = jwtSettings(vars, production, problems);
  const corsOrigins = parseOrigins(vars.CORS_ORIGINS, problems);
  const trustedDocuments = loadTrustedDocuments(vars.GRAPHQL_TRUSTED_DOCUMENTS, problems);
  const trustProxy = parseTrustProxy(vars.TRUST_PROXY, problems);
  const realUpstream = Boolean(credentials || vars.ZENLAYER_CREDENTIALS_FILE);
  const clientAuth = apiKeys.length > 0 || jwt !== undefined;
  const allowUnauthenticated = vars.GATEWAY_ALLOW_UNAUTHENTICATED === 'true';

  if (production && !realUpstream) {
    problems.add('ZENLAYER_ACCESS_KEY_ID', 'is required in production (or set ZENLAYER_CREDENTIALS_FILE): the simulator is for development only');
  }
  if (production && !clientAuth) {
    problems.add('GATEWAY_API_KEYS', `is required in production unless ${JWT_VARIABLES} are set: every client must authenticate`);
  }
  if (production && allowUnauthenticated) {
    problems.add('GATEWAY_ALLOW_UNAUTHENTICATED', 'is not honoured in production: unset it; every client authenticates there');
  }
  if (!production && realUpstream && !clientAuth && !allowUnauthenticated) {
    problems.add(
      'GATEWAY_API_KEYS',
      `is required with real Zenlayer credentials: without client authentication anyone who reaches the gateway, or any web page you open, may use the AccessKey. Set GATEWAY_API_KEYS or ${JWT_VARIABLES}; for a gateway only you can reach, set GATEWAY_ALLOW_UNAUTHENTICATED=true`,
    );
  }
  if (production && vars.METRICS_TOKEN) {
    const weak = weakSecret(vars.METRICS_TOKEN);
    if (weak) problems.add('METRICS_TOKEN', `${weak} in production: set a random string of 32+ characters`);
  }
  if (vars.METRICS_PORT !== undefined && vars.METRICS_PORT !== 0 && vars.METRICS_PORT === vars.PORT) {
    problems.add('METRICS_PORT', `must differ from PORT (${vars.PORT}): it is a listener of its own; unset it to serve /metrics on the API port`);
  }
  const shutdownGraceMs = vars.SHUTDOWN_GRACE_MS ?? vars.REQUEST_DEADLINE_MS + DRAIN_MARGIN_MS;
  if (shutdownGraceMs < vars.REQUEST_DEADLINE_MS) {
    problems.add(
      'SHUTDOWN_GRACE_MS',
      `must be at least REQUEST_DEADLINE_MS (${vars.REQUEST_DEADLINE_MS} ms), so that a request that started just before shutdown can finish: raise it or lower REQUEST_DEADLINE_MS (got ${shutdownGraceMs})`,
    );
  }
  if (vars.SUBSCRIPTION_POLL_MAX_MS < vars.SUBSCRIPTION_POLL_MIN_MS) {
    problems.add('SUBSCRIPTION_POLL_MAX_MS', `must be at least SUBSCRIPTION_POLL_MIN_MS (${vars.SUBSCRIPTION_POLL_MIN_MS}): the backoff grows from the one to the other (got ${vars.SUBSCRIPTION_POLL_MAX_MS})`);
  }
  if (vars.IDEMPOTENCY_SETTLE_SECONDS * 1000 <= vars.ZENLAYER_TIMEOUT_MS) {
    problems.add(
      'IDEMPOTENCY_SETTLE_SECONDS',
      `must be longer than ZENLAYER_TIMEOUT_MS (${vars.ZENLAYER_TIMEOUT_MS} ms): a create that timed out may still be carried out after it (got ${vars.IDEMPOTENCY_SETTLE_SECONDS})`,
    );
  }
  if (vars.IDEMPOTENCY_SETTLE_SECONDS > vars.IDEMPOTENCY_TTL_SECONDS) {
    problems.add('IDEMPOTENCY_SETTLE_SECONDS', `must not exceed IDEMPOTENCY_TTL_SECONDS (${vars.IDEMPOTENCY_TTL_SECONDS}) (got ${vars.IDEMPOTENCY_SETTLE_SECONDS})`);
  }
  if (problems.byVariable.size > 0) throw new ConfigError(problems.byVariable);

  return {
    port: vars.PORT,
    host: vars.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    nodeEnv: vars.NODE_ENV,
    logLevel: vars.LOG_LEVEL ?? (vars.NODE_ENV === 'test' ? 'silent' : 'info'),
    zenlayer: {
      mode: credentials || vars.ZENLAYER_CREDENTIALS_FILE ? 'zenlayer' : 'simulator',
      baseUrl: vars.ZENLAYER_BASE_URL.replace(/\/+$/, ''),
      timeoutMs: vars.ZENLAYER_TIMEOUT_MS,
      credentials,
      credentialsFile: vars.ZENLAYER_CREDENTIALS_FILE,
      maxAttempts: vars.ZENLAYER_MAX_ATTEMPTS,
      retryBaseMs: vars.ZENLAYER_RETRY_BASE_MS,
      concurrency: vars.UPSTREAM_CONCURRENCY,
      queueSize: vars.UPSTREAM_QUEUE_SIZE,
      ratePerSecond: vars.UPSTREAM_RATE_PER_SECOND,
      circuitFailureThreshold: vars.CIRCUIT_FAILURE_THRESHOLD,
      circuitHalfOpenAfterMs: vars.CIRCUIT_HALF_OPEN_AFTER_MS,
    },
    requestDeadlineMs: vars.REQUEST_DEADLINE_MS,
    shutdownGraceMs,
    trustProxy,
    idempotencyTtlSeconds: vars.IDEMPOTENCY_TTL_SECONDS,
    idempotencySettleSeconds: vars.IDEMPOTENCY_SETTLE_SECONDS,
    subscriptionPoll: { minMs: vars.SUBSCRIPTION_POLL_MIN_MS, maxMs: vars.SUBSCRIPTION_POLL_MAX_MS },
    simulator: {
      credentials: {
        accessKeyId: vars.SIMULATOR_ACCESS_KEY_ID ?? 'sim-key-id',
        accessKeyPassword: vars.SIMULATOR_ACCESS_KEY_PASSWORD ?? 'sim-key-password',
      },
      imageReadyDelayMs: vars.SIMULATOR_IMAGE_READY_MS,
    },
    // Refused above in production, so only ever true outside it.
    auth: { allowUnauthenticated, apiKeys, jwt },
    graphql: {
      introspection: vars.GRAPHQL_INTROSPECTION ? vars.GRAPHQL_INTROSPECTION === 'true' : !production,
      playground: vars.GRAPHQL_PLAYGROUND ? vars.GRAPHQL_PLAYGROUND === 'true' : !production,
      maxDepth: vars.GRAPHQL_MAX_DEPTH,
      maxAliases: vars.GRAPHQL_MAX_ALIASES,
      maxRootFields: vars.GRAPHQL_MAX_ROOT_FIELDS,
      maxCost: vars.GRAPHQL_MAX_COST,
      maxDocumentBytes: vars.GRAPHQL_MAX_DOCUMENT_BYTES,
      maxBatch: vars.GRAPHQL_MAX_BATCH,
      maxUpstreamCalls: vars.GRAPHQL_MAX_UPSTREAM_CALLS,
      trustedDocuments,
      wsInitTimeoutMs: vars.GRAPHQL_WS_INIT_TIMEOUT_MS,
      wsMaxConnectionsPerClient: vars.GRAPHQL_WS_MAX_CONNECTIONS_PER_CLIENT,
      wsMaxSubscriptionsPerClient: vars.GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT,
    },
    requestTimeoutMs: vars.REQUEST_TIMEOUT_MS,
    authFailuresPerMinute: vars.AUTH_FAILURES_PER_MINUTE,
    upstreamConcurrencyPerClient: vars.UPSTREAM_CONCURRENCY_PER_CLIENT || Math.ceil(vars.UPSTREAM_CONCURRENCY / 2),
    docs: vars.DOCS_ENABLED ? vars.DOCS_ENABLED === 'true' : !production,
    metricsToken: vars.METRICS_TOKEN,
    metricsPort: vars.METRICS_PORT,
    // Never open on the API port in production: without a token there, /metrics is refused.
    metricsOnApiPort: vars.METRICS_PORT !== undefined ? 'off' : vars.METRICS_TOKEN || !production ? 'on' : 'needs-token',
    otlpEndpoint: vars.OTEL_EXPORTER_OTLP_ENDPOINT,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
    secrets: secretValues(vars, credentials),
    cacheTtlSeconds: {
      zones: vars.CACHE_TTL_ZONES_SECONDS,
      quotas: vars.CACHE_TTL_QUOTAS_SECONDS,
      images: vars.CACHE_TTL_IMAGES_SECONDS,
    },
    redisUrl: vars.REDIS_URL,
    corsOrigins,
  };
}

function loadTrustedDocuments(path: string | undefined, problems: Problems): TrustedDocumentMap | undefined {
  if (path === undefined) return undefined;
  try {
    return readTrustedDocuments(path);
  } catch (error) {
    problems.add('GRAPHQL_TRUSTED_DOCUMENTS', (error as Error).message);
    return undefined;
  }
}

function secretValues(vars: EnvironmentVariables, credentials: ZenlayerCredentials | undefined): string[] {
  const plainKeys = vars.GATEWAY_API_KEYS
    ? (JSON.parse(vars.GATEWAY_API_KEYS) as Array<{ key?: unknown }>).map((entry) => entry.key).filter((k): k is string => typeof k === 'string')
    : [];
  return [credentials?.accessKeyPassword, vars.JWT_SECRET, vars.SIMULATOR_ACCESS_KEY_PASSWORD, vars.METRICS_TOKEN, ...plainKeys].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
}

function pickKnown(env: NodeJS.ProcessEnv): Record<string, string> {
  // Every variable is a field of EnvironmentVariables, optional ones included (class fields are
  // defined, as undefined, on every instance).
  const picked: Record<string, string> = {};
  for (const name of Object.keys(new EnvironmentVariables())) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function upstreamCredentials(vars: EnvironmentVariables, problems: Problems): ZenlayerCredentials | undefined {
  const id = vars.ZENLAYER_ACCESS_KEY_ID;
  const password = vars.ZENLAYER_ACCESS_KEY_PASSWORD;
  if (id && !password) problems.add('ZENLAYER_ACCESS_KEY_PASSWORD', 'is required when ZENLAYER_ACCESS_KEY_ID is set');
  if (password && !id) problems.add('ZENLAYER_ACCESS_KEY_ID', 'is required when ZENLAYER_ACCESS_KEY_PASSWORD is set');
  if (vars.ZENLAYER_CREDENTIALS_FILE) {
    if (id || password) {
      problems.add('ZENLAYER_CREDENTIALS_FILE', 'set either it or ZENLAYER_ACCESS_KEY_ID/ZENLAYER_ACCESS_KEY_PASSWORD, not both');
      return undefined;
    }
    try {
      return readCredentialsFile(vars.ZENLAYER_CREDENTIALS_FILE);
    } catch (error) {
      problems.add('ZENLAYER_CREDENTIALS_FILE', (error as Error).message);
      return undefined;
    }
  }
  return id && password ? { accessKeyId: id, accessKeyPassword: password } : undefined;
}

function parseApiKeys(raw: string | undefined, production: boolean, problems: Problems): ApiKeyClient[] {
  if (!raw) return [];
  const bad = (reason: string): ApiKeyClient[] => {
    problems.add('GATEWAY_API_KEYS', reason);
    return [];
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad('must be a JSON array of {"name","key" or "keySha256","scopes":[...]}');
  }
  if (!Array.isArray(parsed)) return bad('must be a JSON array of {"name","key" or "keySha256","scopes":[...]}');
  const clients: ApiKeyClient[] = [];
  const reasons: string[] = [];
  parsed.forEach((entry: Record<string, unknown>, index) => {
    const at = `entry ${index}`;
    if (typeof entry !== 'object' || entry === null) return void reasons.push(`${at} must be an object`);
    const { name, key, keySha256, scopes } = entry;
    if (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)) reasons.push(`${at}: "name" must be 1 to 64 letters, digits, ".", "_" or "-"`);
    if ((key === undefined) === (keySha256 === undefined)) reasons.push(`${at}: give exactly one of "key" or "keySha256"`);
    if (key !== undefined && (typeof key !== 'string' || key.length < 16)) reasons.push(`${at}: "key" must be a string of at least 16 characters`);
    else if (production && typeof key === 'string') {
      const weak = weakSecret(key);
      if (weak) reasons.push(`${at}: "key" ${weak} in production: generate one (e.g. openssl rand -base64 32)`);
    }
    if (keySha256 !== undefined && (typeof keySha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(keySha256))) {
      reasons.push(`${at}: "keySha256" must be 64 hex digits`);
    }
    const unknown = Array.isArray(scopes) ? scopes.filter((s) => !(KNOWN_SCOPES as readonly unknown[]).includes(s)) : [];
    if (!Array.isArray(scopes) || unknown.length > 0) {
      reasons.push(`${at}: "scopes" must be an array of ${KNOWN_SCOPES.join(', ')}`);
    }
    if (typeof name === 'string' && clients.some((c) => c.name === name)) reasons.push(`${at}: name "${name}" is used twice`);
    const digest = typeof key === 'string' ? createHash('sha256').update(key).digest() : Buffer.from(String(keySha256), 'hex');
    clients.push({ name: String(name), keySha256: digest, scopes: Array.isArray(scopes) ? scopes.map(String) : [] });
  });
  return reasons.length > 0 ? bad(reasons.join('; ')) : clients;
}

function jwtSettings(vars: EnvironmentVariables, production: boolean, problems: Problems): GatewayConfig['auth']['jwt'] {
  const { JWT_SECRET: secret, JWT_JWKS_URI: jwksUri, JWT_ISSUER: issuer, JWT_AUDIENCE: audience } = vars;
  if (secret && jwksUri) problems.add('JWT_SECRET', 'set either JWT_SECRET or JWT_JWKS_URI, not both');
  if (!secret && !jwksUri) {
    if (issuer) problems.add('JWT_ISSUER', 'has no effect without JWT_SECRET or JWT_JWKS_URI');
    if (audience) problems.add('JWT_AUDIENCE', 'has no effect without JWT_SECRET or JWT_JWKS_URI');
    return undefined;
  }
  if (production) {
    // Without both, a token the identity provider issued for another application would pass.
    if (!issuer) problems.add('JWT_ISSUER', 'is required in production with JWT: set it to the identity provider\'s issuer (the tokens\' "iss")');
    if (!audience) problems.add('JWT_AUDIENCE', 'is required in production with JWT: set it to this gateway\'s audience (the tokens\' "aud")');
    if (jwksUri && !jwksUri.toLowerCase().startsWith('https://')) problems.add('JWT_JWKS_URI', 'must be an https:// URL in production: the keys that sign the tokens must not travel in the clear');
  }
  return { secret, jwksUri, issuer, audience };
}

/** TRUST_PROXY as Fastify's `trustProxy` takes it: a hop count, or addresses, CIDRs and proxy-addr's names. */
function parseTrustProxy(raw: string, problems: Problems): number | string[] {
  const value = raw.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const bad = (reason: string) => {
    problems.add('TRUST_PROXY', `${reason} (got ${JSON.stringify(raw)})`);
    return [];
  };
  if (/^true$/i.test(value)) return bad('must not be true, which believes any X-Forwarded-For a client sends: give the number of proxies in front of the gateway (e.g. 1) or their addresses or CIDRs');
  if (/^false$/i.test(value)) return bad('use 0 to believe no proxy');
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyAddr.compile(entries);
  } catch (error) {
    return bad(`must be a number of proxy hops, or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal: ${(error as Error).message}`);
  }
  return entries;
}

function parseOrigins(raw: string | undefined, problems: Problems): string[] {
  if (!raw) return [];
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  const bad = origins.filter((o) => {
    try {
      const url = new URL(o);
      return !/^https?:$/.test(url.protocol) || url.origin !== o.replace(/\/$/, '');
    } catch {
      return true;
    }
  });
  if (bad.length > 0) problems.add('CORS_ORIGINS', `must be comma-separated origins such as https://app.example.com (bad: ${bad.join(', ')})`);
  return origins.map((o) => o.replace(/\/$/, ''));
}
