/** The standalone simulator's environment: read once, validated, every problem named. */
import { ERROR_CODE_STYLES, ErrorCodeStyle, isErrorCodeStyle } from './errors';
import { SIMULATOR_DEFAULT_CREDENTIALS } from './simulator';

/** Validated settings of `npm run simulator`. */
export interface SimulatorEnv {
  readonly port: number;
  readonly host: string;
  readonly accessKeyId: string;
  readonly accessKeyPassword: string;
  readonly imageReadyDelayMs: number;
  readonly errorCodeStyle: ErrorCodeStyle;
}

/** The settings, or one message per bad variable. */
export type SimulatorEnvResult = { ok: true; env: SimulatorEnv } | { ok: false; problems: string[] };

const DEFAULT_PORT = 8090;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_IMAGE_READY_MS = 15_000;

// A blank variable reads as unset, as in the gateway's own configuration.
const isUnset = (value: string | undefined): value is undefined => value === undefined || value.trim() === '';

function integerVar(value: string | undefined, fallback: number, name: string, max: number, problems: string[]): number {
  if (isUnset(value)) return fallback;
  const parsed = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed > max) {
    problems.push(`${name} must be an integer from 0 to ${max} (got ${JSON.stringify(value)})`);
    return fallback;
  }
  return parsed;
}

function textVar(value: string | undefined, fallback: string, name: string, pattern: RegExp, rule: string, problems: string[]): string {
  if (isUnset(value)) return fallback;
  if (!pattern.test(value)) problems.push(`${name} ${rule}`);
  return value;
}

function errorCodeStyleVar(value: string | undefined, name: string, problems: string[]): ErrorCodeStyle {
  if (isUnset(value)) return 'documented';
  if (isErrorCodeStyle(value)) return value;
  problems.push(`${name} must be one of ${ERROR_CODE_STYLES.join(', ')} (got ${JSON.stringify(value)})`);
  return 'documented';
}

/**
 * Reads `SIMULATOR_PORT` (8090), `SIMULATOR_HOST` (127.0.0.1), `SIMULATOR_ACCESS_KEY_ID` and
 * `SIMULATOR_ACCESS_KEY_PASSWORD` (the development pair), `SIMULATOR_IMAGE_READY_MS` (15000) and
 * `SIMULATOR_ERROR_CODE_STYLE` (`documented`, or `dotted` for the Go SDK's spelling of the codes).
 */
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
      'must not contain spaces, commas or =',
      problems,
    ),
    accessKeyPassword: isUnset(vars.SIMULATOR_ACCESS_KEY_PASSWORD)
      ? SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword
      : vars.SIMULATOR_ACCESS_KEY_PASSWORD,
    imageReadyDelayMs: integerVar(vars.SIMULATOR_IMAGE_READY_MS, DEFAULT_IMAGE_READY_MS, 'SIMULATOR_IMAGE_READY_MS', 3_600_000, problems),
    errorCodeStyle: errorCodeStyleVar(vars.SIMULATOR_ERROR_CODE_STYLE, 'SIMULATOR_ERROR_CODE_STYLE', problems),
  };
  return problems.length === 0 ? { ok: true, env } : { ok: false, problems };
}
