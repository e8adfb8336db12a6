import { readFileSync } from 'node:fs';

/** A Zenlayer AccessKey: what the gateway signs every upstream call with. */
export interface ZenlayerCredentials {
  readonly accessKeyId: string;
  readonly accessKeyPassword: string;
}

/**
 * Reads `{"accessKeyId","accessKeyPassword"}` from a file, e.g. a mounted Kubernetes secret.
 * Error messages name the file and the problem, never its content.
 */
export function readCredentialsFile(path: string): ZenlayerCredentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const { accessKeyId, accessKeyPassword } = record;
  if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof accessKeyPassword !== 'string' || accessKeyPassword === '') {
    throw new Error(`${path} must hold {"accessKeyId": "...", "accessKeyPassword": "..."} with both non-empty`);
  }
  return { accessKeyId, accessKeyPassword };
}
