import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { SIMULATOR_DEFAULT_CREDENTIALS } from '../../src/simulator';

const ROOT = join(__dirname, '../..');

/** The gateway's real entry point run as its own process, its output captured line by line. */
export interface GatewayProcess {
  child: ChildProcess;
  /** stdout, one entry per line. */
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Waits for a stdout line matching `pattern` (bounded in time). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The GraphQL URL from the "GraphQL ready at" line. */
  graphqlUrl(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The variables that point a gateway at a simulator listening at `upstream`, with the simulator's
 * key pair. Real credentials to the gateway: a suite that configures no client authentication
 * sets GATEWAY_ALLOW_UNAUTHENTICATED itself.
 */
export const upstreamEnv = (upstream: string): Record<string, string> => ({
  ZENLAYER_BASE_URL: upstream,
  ZENLAYER_ACCESS_KEY_ID: SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId,
  ZENLAYER_ACCESS_KEY_PASSWORD: SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword,
});

/** Runs `src/main.ts` as `npm start` would (through ts-node), with only the given environment. */
export function runGatewayProcess(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

  const waitForLine = async (pattern: RegExp, timeoutMs = 30_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = lines.find((l) => pattern.test(l));
      if (line) return line;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no line matching ${pattern}; stdout: ${lines.join('\n')}; stderr: ${stderr.join('')}`);
  };

  return {
    child,
    lines,
    stderr,
    exited,
    waitForLine,
    async graphqlUrl() {
      const line = await waitForLine(/GraphQL ready at/);
      return /GraphQL ready at (\S+)/.exec(JSON.parse(line).msg)![1];
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      // Bounded: a gateway that does not drain in 15 s is killed, so a failed test cannot hang the suite.
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      if (partial) lines.push(partial);
    },
  };
}
