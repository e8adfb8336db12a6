import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface Started {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Runs the real entry point (`src/main.ts`) as `npm start` would, with a clean environment. */
function runMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, lines, stderr, exited };
}

async function waitForLine(started: Started, pattern: RegExp, timeoutMs = 30000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = started.lines.find((l) => pattern.test(l));
    if (line) return line;
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no line matching ${pattern}; stdout: ${started.lines.join('\n')}; stderr: ${started.stderr.join('')}`);
}

describe('starting the gateway', () => {
  jest.setTimeout(60000);

  it('runs in simulator mode with no credentials, says so first, and answers the README query', async () => {
    const started = runMain({ NODE_ENV: 'development', LOG_LEVEL: 'info' });
    try {
      const ready = await waitForLine(started, /GraphQL ready at/);
      const url = /GraphQL ready at (\S+)/.exec(JSON.parse(ready).msg)![1];
      expect(JSON.parse(started.lines[0]).msg).toMatch(/simulator mode/);

      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ zones { id supportsImageCreation } imageQuotas { zoneId count maxCount remaining } }' }),
      });
      const body = (await response.json()) as { data: { zones: unknown[]; imageQuotas: unknown[] } };
      expect(body.data.zones).toContainEqual({ id: 'FRA-A', supportsImageCreation: true });
      expect(body.data.imageQuotas).toContainEqual({ zoneId: 'FRA-A', count: 2, maxCount: 5, remaining: 3 });
      for (const line of started.lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(started.lines.join('\n')).not.toContain('sim-key-password');
    } finally {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  });

  it('stops with one message naming every bad variable', async () => {
    const started = runMain({ PORT: 'eighty', ZENLAYER_TIMEOUT_MS: 'soon', ZENLAYER_ACCESS_KEY_ID: 'id-only' });
    expect(await started.exited).toBe(1);
    const message = started.stderr.join('');
    for (const name of ['PORT', 'ZENLAYER_TIMEOUT_MS', 'ZENLAYER_ACCESS_KEY_PASSWORD']) expect(message).toContain(name);
  });

  it('refuses to start in production without credentials or client authentication', async () => {
    const started = runMain({ NODE_ENV: 'production' });
    expect(await started.exited).toBe(1);
    const message = started.stderr.join('');
    expect(message).toContain('ZENLAYER_ACCESS_KEY_ID');
    expect(message).toContain('GATEWAY_API_KEYS');
  });
});
