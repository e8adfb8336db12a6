import { readFileSync } from 'node:fs';
import { runGatewayProcess } from './helpers/process';
import { NODE_FLAGS } from '../src/runtime-flags';

describe('starting the gateway', () => {
  jest.setTimeout(60000);

  it('runs in simulator mode with no credentials, says so first, and answers the README query', async () => {
    const started = runGatewayProcess({ NODE_ENV: 'development', LOG_LEVEL: 'info' });
    try {
      const url = await started.graphqlUrl();
      expect(JSON.parse(started.lines[0]).msg).toMatch(/simulator mode/);
      expect(started.lines.some((l) => /NO CLIENT AUTHENTICATION/.test(JSON.parse(l).msg) && JSON.parse(l).level === 40)).toBe(true);

      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ zones { id supportsImageCreation } imageQuotas { zoneId count maxCount remaining } }' }),
      });
      const body = (await response.json()) as { data: { zones: unknown[]; imageQuotas: unknown[] } };
      expect(body.data.zones).toContainEqual({ id: 'FRA-A', supportsImageCreation: true });
      expect(body.data.imageQuotas).toContainEqual({ zoneId: 'FRA-A', count: 2, maxCount: 5, remaining: 3 });
      for (const line of started.lines) expect(() => JSON.parse(line)).not.toThrow();

      // The Node flags: added by relaunching in place where Node can (process.execve: Node 22.15+,
      // 24), named as missing where it cannot (Node 20).
      const runtime = started.lines.map((l) => JSON.parse(l)).find((l) => /^runtime: /.test(l.msg));
      if (typeof (process as { execve?: unknown }).execve === 'function') {
        expect(runtime).toMatchObject({ level: 30, execArgv: expect.arrayContaining([...NODE_FLAGS]) });
        // In place: the process that was started is the one now running with the flags.
        expect(readFileSync(`/proc/${started.child.pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...NODE_FLAGS, expect.stringMatching(/src\/main\.ts$/)]));
        // The young generation is held to two semi-spaces of --max-semi-space-size (4 MB).
        const metrics = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
        expect(Number(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics)![1])).toBeLessThanOrEqual(2 * 4 * 1024 * 1024 + 256 * 1024);
      } else {
        expect(runtime).toMatchObject({ level: 40, msg: expect.stringContaining(`without ${NODE_FLAGS.join(' ')}`) });
      }
      expect(started.lines.join('\n')).not.toContain('sim-key-password');
    } finally {
      await started.stop();
    }
  });

  it('stops with one message naming every bad variable', async () => {
    const started = runGatewayProcess({ PORT: 'eighty', ZENLAYER_TIMEOUT_MS: 'soon', ZENLAYER_ACCESS_KEY_ID: 'id-only' });
    expect(await started.exited).toBe(1);
    const message = started.stderr.join('');
    for (const name of ['PORT', 'ZENLAYER_TIMEOUT_MS', 'ZENLAYER_ACCESS_KEY_PASSWORD']) expect(message).toContain(name);
  });

  it('says what is wrong with a variable once', async () => {
    const started = runGatewayProcess({ PORT: 'abc' });
    expect(await started.exited).toBe(1);
    expect(started.stderr.join('')).toBe(
      'Invalid configuration; fix these environment variables:\n  - PORT: must be a whole number from 0 to 65535 (got "abc")\n',
    );
    expect(started.lines).toEqual([]);
  });

  it('refuses to start in production without credentials or client authentication', async () => {
    const started = runGatewayProcess({ NODE_ENV: 'production' });
    expect(await started.exited).toBe(1);
    const message = started.stderr.join('');
    expect(message).toContain('ZENLAYER_ACCESS_KEY_ID');
    expect(message).toContain('GATEWAY_API_KEYS');
  });
});
