/** The standalone simulator's environment: read once, validated, every problem named. */
import { SIMULATOR_DEFAULT_CREDENTIALS } from './simulator';

/** Validated settings of `npm run simulator`. */
export interface SimulatorEnv {
  readonly port: number;
  readonly host: string;
  readonly accessKeyId: string;
  readonly accessKeyPassword: string;
  readonly imageReadyDelayMs: number;
}

/** Every bad variable, one message each; empty when the environment is usable. */
export type SimulatorEnvResult = { ok: true; env: SimulatorEnv } | { ok: false; problems: string[] };

const DEFAULT_PORT = 8090;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_IMAGE_READY_MS = 15_000;

function integerVar(value: string | undefined, fallback: number, name: string, max: number, problems: string[]): number {
  if (value === undefined || value === '') return fallback;
  const parsed = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed > max) {
    problems.push(`${name} must be an integer from 0 to ${max} (got ${JSON.stringify(value)})`);
    return fallback;
  }
  return parsed;
}

function textVar(value: string | undefined, fallback: string, name: string, pattern: RegExp, rule: string, problems: string[]): string {
  if (value === undefined) return fallback;
  if (!pattern.test(value)) problems.push(`${name} ${rule}`);
  return value;
}

/** Reads `SIMULATOR_*` variables (defaults: port 8090, host 127.0.0.1, the development key pair, 15000 ms). */
export function readSimulatorEnv(vars: NodeJS.ProcessEnv): SimulatorEnvResult {
  const problems: string[] = [];
  const env: SimulatorEnv = {
    port: integerVar(vars.SIMULATOR_PORT, DEFAULT_PORT, 'SIMULATOR_PORT', 65_535, problems),
    host: textVar(vars.SIMULATOR_HOST, DEFAULT_HOST, 'SIMULATOR_HOST', /^[^\s/]+$/, 'must be a host name or IP address', problems),
    accessKeyId: textVar(
      vars.SIMULATOR_ACCESS_KEY_ID,
      SIMULATOR_DEFAULT_CREDENTIALS.accessKeyId,
      'SIMULATOR_ACCESS_KEY_ID',
      /^[^\s,=]+$/,
      'must be non-empty, without spaces, commas or =',
      problems,
    ),
    accessKeyPassword: textVar(
      vars.SIMULATOR_ACCESS_KEY_PASSWORD,
      SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword,
      'SIMULATOR_ACCESS_KEY_PASSWORD',
      /^.+$/s,
      'must be non-empty',
      problems,
    ),
    imageReadyDelayMs: integerVar(vars.SIMULATOR_IMAGE_READY_MS, DEFAULT_IMAGE_READY_MS, 'SIMULATOR_IMAGE_READY_MS', 86_400_000, problems),
  };
  return problems.length === 0 ? { ok: true, env } : { ok: false, problems };
}
