import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A throwaway redis-server on a loopback port, for tests. `.ci/run` installs the package. */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A port free at this moment. redis-server cannot listen on port 0 and say which port it got
 * (`--port 0` turns TCP off), and a restarted server must come back on the same port, so the port
 * is picked here and released before redis binds it; another process may take it in between,
 * which {@link startRedis} answers by picking again.
 */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export async function startRedis(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (.ci/run does)');
  }
  let port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start in 10 s')), 10_000);
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(`redis-server exited with ${code}`), { portTaken: output.includes('Address already in use') }));
      });
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  for (let tries = 1; ; tries++) {
    try {
      await start();
      break;
    } catch (error) {
      if (!(error as { portTaken?: boolean }).portTaken || tries === 5) throw error;
      port = await freePort();
    }
  }
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
