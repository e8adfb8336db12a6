import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const problemsOf = (env: NodeJS.ProcessEnv): Map<string, string[]> => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return new Map((error as ConfigError).problems);
  }
  throw new Error('expected a ConfigError');
};

/** A key as `openssl rand -base64 32` makes one. */
const GOOD_KEY = 'q3Vd8Jk0ZrT5wYx2Lm9NcP4sHb7Ga1Ef6Ui';
const PRODUCTION = {
  NODE_ENV: 'production',
  ZENLAYER_ACCESS_KEY_ID: 'id',
  ZENLAYER_ACCESS_KEY_PASSWORD: 'pw',
  GATEWAY_API_KEYS: JSON.stringify([{ name: 'web', key: GOOD_KEY, scopes: ['images:read'] }]),
};

describe('loadConfig', () => {
  it('defaults to simulator mode on loopback port 3000 with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      nodeEnv: 'development',
      zenlayer: { mode: 'simulator', baseUrl: 'https://console.zenlayer.com', timeoutMs: 10000 },
      auth: { apiKeys: [] },
    });
  });

  it('uses Zenlayer when both halves of the AccessKey are set', () => {
    const config = loadConfig({ ZENLAYER_ACCESS_KEY_ID: 'id', ZENLAYER_ACCESS_KEY_PASSWORD: 'pw', ZENLAYER_BASE_URL: 'http://127.0.0.1:8090/', GATEWAY_ALLOW_UNAUTHENTICATED: 'true' });
    expect(config.zenlayer).toMatchObject({ mode: 'zenlayer', baseUrl: 'http://127.0.0.1:8090', credentials: { accessKeyId: 'id', accessKeyPassword: 'pw' } });
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      ZENLAYER_TIMEOUT_MS: '5',
      ZENLAYER_BASE_URL: 'ftp://x',
      NODE_ENV: 'staging',
      REDIS_URL: 'http://redis',
      ZENLAYER_ACCESS_KEY_ID: 'only-id',
      CORS_ORIGINS: 'not a url',
      GATEWAY_API_KEYS: '{',
    });
    expect([...problems.keys()].sort()).toEqual(
      ['CORS_ORIGINS', 'GATEWAY_API_KEYS', 'NODE_ENV', 'PORT', 'REDIS_URL', 'ZENLAYER_ACCESS_KEY_PASSWORD', 'ZENLAYER_BASE_URL', 'ZENLAYER_TIMEOUT_MS'].sort(),
    );
  });

  it('gives each reason once, even when several rules share it', () => {
    expect(problemsOf({ PORT: 'abc' }).get('PORT')).toEqual(['must be a whole number from 0 to 65535 (got "abc")']);
  });

  it('refuses an AccessKey ID the Authorization header cannot carry, naming its variable', () => {
    const problems = problemsOf({ ZENLAYER_ACCESS_KEY_ID: 'my key', ZENLAYER_ACCESS_KEY_PASSWORD: 'pw', SIMULATOR_ACCESS_KEY_ID: 'a,b' });
    expect(problems.get('ZENLAYER_ACCESS_KEY_ID')).toEqual([expect.stringContaining('without spaces, commas or "="')]);
    expect(problems.get('SIMULATOR_ACCESS_KEY_ID')).toEqual([expect.stringContaining('without spaces, commas or "="')]);
  });

  it('refuses a subscription poll backoff whose longest wait is shorter than its first', () => {
    expect(problemsOf({ SUBSCRIPTION_POLL_MIN_MS: '40000' }).get('SUBSCRIPTION_POLL_MAX_MS')).toEqual([
      'must be at least SUBSCRIPTION_POLL_MIN_MS (40000): the backoff grows from the one to the other (got 30000)',
    ]);
    expect(loadConfig({ SUBSCRIPTION_POLL_MIN_MS: '500', SUBSCRIPTION_POLL_MAX_MS: '500' }).subscriptionPoll).toEqual({ minMs: 500, maxMs: 500 });
  });

  it('reads every optional variable it knows, and no other', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6390', METRICS_TOKEN: 'metrics-token-123', UNRELATED: 'x' });
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6390', metricsToken: 'metrics-token-123' });
  });

  it('puts every bad variable in the message, without secret values', () => {
    try {
      loadConfig({ PORT: '-1', GATEWAY_API_KEYS: '[{"name":"web","key":"short-secret-key","scopes":["x"]}]' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('GATEWAY_API_KEYS');
      expect(message).not.toContain('short-secret-key');
    }
  });

  it('refuses to start in production without upstream credentials or client authentication', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.get('ZENLAYER_ACCESS_KEY_ID')?.join()).toMatch(/required in production/);
    expect(problems.get('GATEWAY_API_KEYS')?.join()).toMatch(/required in production/);
  });

  it('starts in production with credentials and API keys', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ZENLAYER_ACCESS_KEY_ID: 'id',
      ZENLAYER_ACCESS_KEY_PASSWORD: 'pw',
      GATEWAY_API_KEYS: JSON.stringify([{ name: 'web', key: GOOD_KEY, scopes: ['images:read'] }]),
    });
    expect(config.zenlayer.mode).toBe('zenlayer');
    expect(config.host).toBe('0.0.0.0');
    expect(config.auth.apiKeys).toEqual([expect.objectContaining({ name: 'web', scopes: ['images:read'] })]);
  });

  it('checks each API key entry', () => {
    const problems = problemsOf({ GATEWAY_API_KEYS: JSON.stringify([{ name: 'a', key: 'k', keySha256: 'f'.repeat(64), scopes: ['admin'] }]) });
    const reason = problems.get('GATEWAY_API_KEYS')!.join();
    expect(reason).toMatch(/exactly one of "key" or "keySha256"/);
    expect(reason).toMatch(/"scopes" must be/);
  });

  it('reads credentials from ZENLAYER_CREDENTIALS_FILE and explains a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zl-cred-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ accessKeyId: 'file-id', accessKeyPassword: 'file-pw' }));
    expect(loadConfig({ ZENLAYER_CREDENTIALS_FILE: good, GATEWAY_ALLOW_UNAUTHENTICATED: 'true' }).zenlayer.credentials).toEqual({ accessKeyId: 'file-id', accessKeyPassword: 'file-pw' });

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"accessKeyId":"x"}');
    expect(problemsOf({ ZENLAYER_CREDENTIALS_FILE: bad }).get('ZENLAYER_CREDENTIALS_FILE')!.join()).toMatch(/must hold/);
    expect(problemsOf({ ZENLAYER_CREDENTIALS_FILE: join(dir, 'missing.json') }).get('ZENLAYER_CREDENTIALS_FILE')!.join()).toMatch(/cannot read/);
  });

  describe('no open door by default', () => {
    it('listens on loopback outside production and on every interface in production, unless HOST says otherwise', () => {
      expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
      expect(loadConfig(PRODUCTION).host).toBe('0.0.0.0');
      expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    });

    it('refuses real credentials without client authentication, naming what to set, unless GATEWAY_ALLOW_UNAUTHENTICATED=true', () => {
      const reason = problemsOf({ ZENLAYER_ACCESS_KEY_ID: 'id', ZENLAYER_ACCESS_KEY_PASSWORD: 'pw' }).get('GATEWAY_API_KEYS')!.join();
      for (const name of ['GATEWAY_API_KEYS', 'JWT_SECRET', 'JWT_JWKS_URI', 'GATEWAY_ALLOW_UNAUTHENTICATED=true']) expect(reason).toContain(name);
      const opted = loadConfig({ ZENLAYER_ACCESS_KEY_ID: 'id', ZENLAYER_ACCESS_KEY_PASSWORD: 'pw', GATEWAY_ALLOW_UNAUTHENTICATED: 'true' });
      expect(opted.auth).toMatchObject({ allowUnauthenticated: true, apiKeys: [] });
      // The simulator holds no real credential: no opt-in needed there.
      expect(loadConfig({}).auth.allowUnauthenticated).toBe(false);
    });

    it('does not honour GATEWAY_ALLOW_UNAUTHENTICATED in production', () => {
      expect(problemsOf({ ...PRODUCTION, GATEWAY_ALLOW_UNAUTHENTICATED: 'true' }).get('GATEWAY_ALLOW_UNAUTHENTICATED')).toEqual([expect.stringContaining('not honoured in production')]);
    });

    it('keeps /metrics off the API port in production without METRICS_TOKEN, and serves it on METRICS_PORT when asked', () => {
      expect(loadConfig(PRODUCTION).metricsOnApiPort).toBe('needs-token');
      expect(loadConfig({ ...PRODUCTION, METRICS_TOKEN: GOOD_KEY }).metricsOnApiPort).toBe('on');
      expect(loadConfig({ ...PRODUCTION, METRICS_PORT: '9464' })).toMatchObject({ metricsOnApiPort: 'off', metricsPort: 9464 });
      expect(loadConfig({}).metricsOnApiPort).toBe('on');
      expect(problemsOf({ ...PRODUCTION, METRICS_TOKEN: 'metrics-token-0123456789' }).get('METRICS_TOKEN')).toEqual([expect.stringContaining('at least 32 characters')]);
      expect(problemsOf({ PORT: '9464', METRICS_PORT: '9464' }).get('METRICS_PORT')).toEqual([expect.stringContaining('must differ from PORT')]);
    });

    it('asks JWT in production for an issuer, an audience and an https JWKS URL', () => {
      const problems = problemsOf({ ...PRODUCTION, GATEWAY_API_KEYS: '', JWT_JWKS_URI: 'http://idp.example.com/.well-known/jwks.json' });
      expect(problems.get('JWT_ISSUER')).toEqual([expect.stringContaining('required in production')]);
      expect(problems.get('JWT_AUDIENCE')).toEqual([expect.stringContaining('required in production')]);
      expect(problems.get('JWT_JWKS_URI')).toEqual([expect.stringContaining('https://')]);
      const jwt = { JWT_JWKS_URI: 'https://idp.example.com/.well-known/jwks.json', JWT_ISSUER: 'https://idp.example.com/', JWT_AUDIENCE: 'gateway' };
      expect(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: '', ...jwt }).auth.jwt).toEqual({ secret: undefined, jwksUri: jwt.JWT_JWKS_URI, issuer: jwt.JWT_ISSUER, audience: 'gateway' });
      // Outside production an http JWKS on a laptop stays possible.
      expect(loadConfig({ JWT_JWKS_URI: 'http://127.0.0.1:8080/jwks.json' }).auth.jwt?.jwksUri).toBe('http://127.0.0.1:8080/jwks.json');
    });

    it('refuses short and placeholder API keys in production, without echoing them', () => {
      const keys = (key: string) => JSON.stringify([{ name: 'web', key, scopes: ['images:read'] }]);
      for (const [key, reason] of [
        ['a-long-enough-client-key', 'at least 32 characters'],
        ['change-me-change-me-change-me-change-me', 'placeholder'],
        ['REPLACE-WITH-A-LONG-RANDOM-KEY-0123456789', 'placeholder'],
        ['abababababababababababababababababab', 'placeholder'],
      ]) {
        const problem = problemsOf({ ...PRODUCTION, GATEWAY_API_KEYS: keys(key) }).get('GATEWAY_API_KEYS')!.join();
        expect(problem).toContain(reason);
        expect(problem).not.toContain(key);
      }
      expect(loadConfig({ GATEWAY_API_KEYS: keys('sixteen-chars-ok') }).auth.apiKeys).toHaveLength(1);
    });

    it('reads TRUST_PROXY as hops or addresses and CIDRs, and refuses true and bad addresses', () => {
      expect(loadConfig({}).trustProxy).toEqual(['loopback']);
      expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
      expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', 'fd00::/8']);
      expect(problemsOf({ TRUST_PROXY: 'true' }).get('TRUST_PROXY')).toEqual([expect.stringContaining('believes any X-Forwarded-For')]);
      expect(problemsOf({ TRUST_PROXY: '10.0.0.0/33' }).get('TRUST_PROXY')).toEqual([expect.stringContaining('invalid range on address: 10.0.0.0/33')]);
    });
  });

  describe('drain', () => {
    it('gives shutdown the request deadline plus 5 s by default', () => {
      expect(loadConfig({}).shutdownGraceMs).toBe(35000);
      expect(loadConfig({ REQUEST_DEADLINE_MS: '60000' }).shutdownGraceMs).toBe(65000);
      expect(loadConfig({ SHUTDOWN_GRACE_MS: '30000' }).shutdownGraceMs).toBe(30000);
    });

    it('refuses a grace shorter than the request deadline', () => {
      expect(problemsOf({ SHUTDOWN_GRACE_MS: '20000' }).get('SHUTDOWN_GRACE_MS')).toEqual([expect.stringContaining('at least REQUEST_DEADLINE_MS (30000 ms)')]);
    });
  });
});
