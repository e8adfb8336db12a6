import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { readSimulatorEnv } from './env';
import { callSimulator } from './testing';

describe(readSimulatorEnv.name, () => {
  it('defaults to 127.0.0.1:8090, the development key pair, 15 s and documented error codes', () => {
    expect(readSimulatorEnv({})).toEqual({
      ok: true,
      env: { port: 8090, host: '127.0.0.1', accessKeyId: 'sim-key-id', accessKeyPassword: 'sim-key-password', imageReadyDelayMs: 15000, errorCodeStyle: 'documented' },
    });
  });

  it('reads every variable', () => {
    const result = readSimulatorEnv({
      SIMULATOR_PORT: '9000',
      SIMULATOR_HOST: '0.0.0.0',
      SIMULATOR_ACCESS_KEY_ID: 'id',
      SIMULATOR_ACCESS_KEY_PASSWORD: 'pw with spaces',
      SIMULATOR_IMAGE_READY_MS: '0',
      SIMULATOR_ERROR_CODE_STYLE: 'dotted',
    });
    expect(result).toEqual({
      ok: true,
      env: { port: 9000, host: '0.0.0.0', accessKeyId: 'id', accessKeyPassword: 'pw with spaces', imageReadyDelayMs: 0, errorCodeStyle: 'dotted' },
    });
    expect(readSimulatorEnv({ SIMULATOR_ERROR_CODE_STYLE: 'documented' })).toMatchObject({ ok: true, env: { errorCodeStyle: 'documented' } });
  });

  it('names every bad variable', () => {
    const result = readSimulatorEnv({
      SIMULATOR_PORT: '70000',
      SIMULATOR_HOST: 'http://x',
      SIMULATOR_ACCESS_KEY_ID: 'has space',
      SIMULATOR_IMAGE_READY_MS: '1.5',
      SIMULATOR_ERROR_CODE_STYLE: 'go',
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const name of ['SIMULATOR_PORT', 'SIMULATOR_HOST', 'SIMULATOR_ACCESS_KEY_ID', 'SIMULATOR_IMAGE_READY_MS', 'SIMULATOR_ERROR_CODE_STYLE']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it('reads blank variables as unset', () => {
    expect(readSimulatorEnv({ SIMULATOR_PORT: '', SIMULATOR_HOST: ' ', SIMULATOR_ACCESS_KEY_PASSWORD: '', SIMULATOR_ERROR_CODE_STYLE: ' ' })).toMatchObject({
      ok: true,
      env: { port: 8090, host: '127.0.0.1', accessKeyPassword: 'sim-key-password', errorCodeStyle: 'documented' },
    });
  });

  it.each([['Dotted'], ['DOTTED'], ['dotted '], ['upper_snake']])('rejects SIMULATOR_ERROR_CODE_STYLE=%p, naming the accepted values', (value) => {
    expect(readSimulatorEnv({ SIMULATOR_ERROR_CODE_STYLE: value })).toEqual({
      ok: false,
      problems: [`SIMULATOR_ERROR_CODE_STYLE must be one of documented, dotted (got ${JSON.stringify(value)})`],
    });
  });

  it.each([['abc'], ['-1'], ['8090x'], ['1e3']])('rejects SIMULATOR_PORT=%p', (value) => {
    expect(readSimulatorEnv({ SIMULATOR_PORT: value }).ok).toBe(false);
  });
});

describe('npm run simulator (src/simulator/main.ts)', () => {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const start = (env: Record<string, string>): ChildProcess =>
    spawn(process.execPath, [tsNode, '--transpile-only', join(__dirname, 'main.ts')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const collect = (stream: NodeJS.ReadableStream | null): (() => string) => {
    let text = '';
    stream?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    return () => text;
  };
  const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.once('exit', (code) => resolve(code)));

  it('logs its URL as one JSON line, serves signed calls and stops on SIGTERM', async () => {
    const child = start({ SIMULATOR_PORT: '0', SIMULATOR_ACCESS_KEY_ID: 'compose-id', SIMULATOR_ACCESS_KEY_PASSWORD: 'compose-pw', SIMULATOR_ERROR_CODE_STYLE: 'dotted' });
    const stdout = collect(child.stdout);
    const exit = exited(child);
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        child.stdout?.on('data', () => stdout().includes('\n') && resolve(stdout().split('\n')[0]));
        child.once('exit', () => reject(new Error(`exited early: ${stdout()}`)));
      });
      const started = JSON.parse(firstLine);
      expect(started).toMatchObject({ level: 'info', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), accessKeyId: 'compose-id', errorCodeStyle: 'dotted' });
      expect(firstLine).not.toContain('compose-pw');
      const credentials = { accessKeyId: 'compose-id', accessKeyPassword: 'compose-pw' };
      const res = await callSimulator(started.url, 'DescribeZones', {}, credentials);
      expect(res.status).toBe(200);
      expect((await callSimulator(started.url, 'DescribeImage', { imageId: 'img-nope' }, credentials)).body.code).toBe('Invalid.Image.Not.Found');
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(stdout()).toContain('stopped');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 1 with a message naming the bad variable', async () => {
    const child = start({ SIMULATOR_PORT: 'eighty' });
    const stderr = collect(child.stderr);
    expect(await exited(child)).toBe(1);
    expect(stderr()).toContain('SIMULATOR_PORT');
    expect(JSON.parse(stderr().trim().split('\n')[0])).toMatchObject({ level: 'error' });
  });
});
