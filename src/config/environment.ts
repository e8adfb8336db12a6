import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/**
 * An AccessKey ID goes into every signed request's `Authorization` header (`Credential=<id>, ...`):
 * a space, comma or `=` in it would break that header (the simulator refuses it too).
 */
const IsAccessKeyId = () => Matches(/^[^\s,=]+$/, { message: 'must be an AccessKey ID without spaces, commas or "=" (it is sent in the Authorization header)' });

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value);
const blankToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** A whole number from `min` to `max`, given as a string in the environment; `message` says what it is. */
const IntInRange = (min: number, max: number, message: string) =>
  applyDecorators(Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max, { message }));

const NODE_ENVS = ['development', 'production', 'test'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The environment as the gateway reads it. Each property is one variable of API.md (plus the
 * simulator's and the log level); rules that span several variables live in `loadConfig`.
 */
export class EnvironmentVariables {
  @IntInRange(0, 65535, 'must be a whole number from 0 to 65535')
  PORT: number = 3000;

  /** Unset: loopback outside production (a laptop's gateway is not on the network), all interfaces in production. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must be a host name or address to listen on' })
  HOST?: string;

  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(256, { message: 'must be at most 256 characters' })
  @IsAccessKeyId()
  ZENLAYER_ACCESS_KEY_ID?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(1024, { message: 'must be at most 1024 characters' })
  ZENLAYER_ACCESS_KEY_PASSWORD?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  ZENLAYER_CREDENTIALS_FILE?: string;

  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'must be an http(s) origin such as https://console.zenlayer.com' },
  )
  ZENLAYER_BASE_URL: string = 'https://console.zenlayer.com';

  @IntInRange(100, 120000, 'must be a whole number of milliseconds from 100 to 120000')
  ZENLAYER_TIMEOUT_MS: number = 10000;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  GATEWAY_API_KEYS?: string;

  /** The explicit opt-in to serve real Zenlayer credentials with no client authentication (never in production). */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  GATEWAY_ALLOW_UNAUTHENTICATED?: 'true' | 'false';

  /** Which proxies' X-Forwarded-For is believed: hops, or addresses and CIDRs (Fastify's trustProxy forms); checked in loadConfig. */
  @IsString()
  @MinLength(1, { message: 'must be a number of proxy hops or a comma-separated list of addresses and CIDRs' })
  TRUST_PROXY: string = 'loopback';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (HS256 needs a long random secret)' })
  JWT_SECRET?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL' })
  JWT_JWKS_URI?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl(
    { protocols: ['redis', 'rediss'], require_protocol: true, require_tld: false },
    { message: 'must be a redis:// or rediss:// URL' },
  )
  REDIS_URL?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @IsAccessKeyId()
  SIMULATOR_ACCESS_KEY_ID?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  SIMULATOR_ACCESS_KEY_PASSWORD?: string;

  @IntInRange(0, 3600000, 'must be a whole number of milliseconds from 0 to 3600000')
  SIMULATOR_IMAGE_READY_MS: number = 15000;

  @IntInRange(0, 86400, 'must be a whole number of seconds from 0 (off) to 86400')
  CACHE_TTL_ZONES_SECONDS: number = 300;

  @IntInRange(0, 86400, 'must be a whole number of seconds from 0 (off) to 86400')
  CACHE_TTL_QUOTAS_SECONDS: number = 5;

  @IntInRange(0, 86400, 'must be a whole number of seconds from 0 (off) to 86400')
  CACHE_TTL_IMAGES_SECONDS: number = 5;

  @IntInRange(0, 1000000, 'must be a whole number of requests per minute per client (0 is off) from 0 to 1000000')
  RATE_LIMIT_PER_MINUTE: number = 600;

  @IntInRange(1, 100, 'must be a whole number from 1 to 100')
  GRAPHQL_MAX_DEPTH: number = 10;

  @IntInRange(0, 10000, 'must be a whole number from 0 to 10000')
  GRAPHQL_MAX_ALIASES: number = 100;

  @IntInRange(1, 10000, 'must be a whole number from 1 to 10000')
  GRAPHQL_MAX_ROOT_FIELDS: number = 100;

  @IntInRange(1, 10000000, 'must be a whole number from 1 to 10000000')
  GRAPHQL_MAX_COST: number = 5000;

  @IntInRange(100, 10000000, 'must be a whole number of bytes from 100 to 10000000')
  GRAPHQL_MAX_DOCUMENT_BYTES: number = 32768;

  @IntInRange(1, 100, 'must be a whole number of operations from 1 to 100')
  GRAPHQL_MAX_BATCH: number = 5;

  @IntInRange(1, 10000, 'must be a whole number of upstream calls from 1 to 10000')
  GRAPHQL_MAX_UPSTREAM_CALLS: number = 20;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString({ message: 'must be the path of a JSON manifest of operations' })
  GRAPHQL_TRUSTED_DOCUMENTS?: string;

  @IntInRange(100, 600000, 'must be a whole number of milliseconds from 100 to 600000')
  GRAPHQL_WS_INIT_TIMEOUT_MS: number = 5000;

  @IntInRange(1, 100000, 'must be a whole number from 1 to 100000')
  GRAPHQL_WS_MAX_CONNECTIONS_PER_CLIENT: number = 20;

  @IntInRange(1, 100000, 'must be a whole number from 1 to 100000')
  GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CLIENT: number = 100;

  @IntInRange(100, 600000, 'must be a whole number of milliseconds from 100 to 600000')
  REQUEST_TIMEOUT_MS: number = 10000;

  @IntInRange(0, 1000000, 'must be a whole number of failed authentications per minute per address (0 is off) from 0 to 1000000')
  AUTH_FAILURES_PER_MINUTE: number = 30;

  /** 0: half of UPSTREAM_CONCURRENCY (rounded up). */
  @IntInRange(0, 1000, 'must be a whole number from 0 (half of UPSTREAM_CONCURRENCY) to 1000')
  UPSTREAM_CONCURRENCY_PER_CLIENT: number = 0;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  GRAPHQL_INTROSPECTION?: 'true' | 'false';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  GRAPHQL_PLAYGROUND?: 'true' | 'false';

  @IntInRange(1, 10, 'must be a whole number of attempts from 1 to 10')
  ZENLAYER_MAX_ATTEMPTS: number = 3;

  @IntInRange(1, 60000, 'must be a whole number of milliseconds from 1 to 60000')
  ZENLAYER_RETRY_BASE_MS: number = 500;

  @IntInRange(100, 600000, 'must be a whole number of milliseconds from 100 to 600000')
  REQUEST_DEADLINE_MS: number = 30000;

  @IntInRange(1, 1000, 'must be a whole number from 1 to 1000')
  UPSTREAM_CONCURRENCY: number = 16;

  @IntInRange(0, 100000, 'must be a whole number from 0 to 100000')
  UPSTREAM_QUEUE_SIZE: number = 200;

  @IntInRange(1, 100000, 'must be a whole number of calls per second from 1 to 100000')
  UPSTREAM_RATE_PER_SECOND: number = 50;

  @IntInRange(1, 1000, 'must be a whole number of consecutive failures from 1 to 1000')
  CIRCUIT_FAILURE_THRESHOLD: number = 5;

  @IntInRange(10, 3600000, 'must be a whole number of milliseconds from 10 to 3600000')
  CIRCUIT_HALF_OPEN_AFTER_MS: number = 10000;

  /** Unset: REQUEST_DEADLINE_MS plus 5 s, so a request that started just before SIGTERM can finish. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IntInRange(0, 600000, 'must be a whole number of milliseconds from 0 to 600000')
  SHUTDOWN_GRACE_MS?: number;

  @IntInRange(60, 2592000, 'must be a whole number of seconds from 60 to 2592000')
  IDEMPOTENCY_TTL_SECONDS: number = 86400;

  @IntInRange(1, 86400, 'must be a whole number of seconds from 1 to 86400')
  IDEMPOTENCY_SETTLE_SECONDS: number = 60;

  @IntInRange(10, 600000, 'must be a whole number of milliseconds from 10 to 600000')
  SUBSCRIPTION_POLL_MIN_MS: number = 2000;

  @IntInRange(10, 600000, 'must be a whole number of milliseconds from 10 to 600000')
  SUBSCRIPTION_POLL_MAX_MS: number = 30000;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DOCS_ENABLED?: 'true' | 'false';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** A second listener, on HOST, that serves only /metrics; the API port then has none. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IntInRange(0, 65535, 'must be a whole number from 0 to 65535')
  METRICS_PORT?: number;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL of an OTLP collector, e.g. http://otel-collector:4318' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}
