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

describe('loadConfig', () => {
  it('defaults to simulator mode on port 3000 with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      nodeEnv: 'development',
      zenlayer: { mode: 'simulator', baseUrl: 'https://console.zenlayer.com', timeoutMs: 10000 },
      auth: { apiKeys: [] },
    });
  });

  it('uses Zenlayer when both halves of the AccessKey are set', () => {
    const config = loadConfig({ ZENLAYER_ACCESS_KEY_ID: 'id', ZENLAYER_ACCESS_KEY_PASSWORD: 'pw', ZENLAYER_BASE_URL: 'http://127.0.0.1:8090/' });
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
      GATEWAY_API_KEYS: JSON.stringify([{ name: 'web', key: 'a-long-enough-client-key', scopes: ['images:read'] }]),
    });
    expect(config.zenlayer.mode).toBe('zenlayer');
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
    expect(loadConfig({ ZENLAYER_CREDENTIALS_FILE: good }).zenlayer.credentials).toEqual({ accessKeyId: 'file-id', accessKeyPassword: 'file-pw' });

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"accessKeyId":"x"}');
    expect(problemsOf({ ZENLAYER_CREDENTIALS_FILE: bad }).get('ZENLAYER_CREDENTIALS_FILE')!.join()).toMatch(/must hold/);
    expect(problemsOf({ ZENLAYER_CREDENTIALS_FILE: join(dir, 'missing.json') }).get('ZENLAYER_CREDENTIALS_FILE')!.join()).toMatch(/cannot read/);
  });
});
