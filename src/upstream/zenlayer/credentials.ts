import { readCredentialsFile } from '../../config/credentials-file';
import type { ZenlayerCredentials } from './signer';

/**
 * Supplies the AccessKey for each call. A function rather than a value so that a rotated key
 * (a re-read credentials file) is picked up by the next call without rebuilding the client.
 */
export type CredentialsProvider = () => ZenlayerCredentials;

export const staticCredentials = (credentials: ZenlayerCredentials): CredentialsProvider => {
  const frozen = Object.freeze({ ...credentials });
  return () => frozen;
};

/**
 * Credentials read from a file (e.g. a mounted Kubernetes secret) and read again on demand
 * (SIGHUP). A file that has become unreadable or invalid keeps the credentials in use.
 */
export class FileCredentials {
  private current: ZenlayerCredentials;

  constructor(
    readonly path: string,
    initial?: ZenlayerCredentials,
  ) {
    this.current = initial ?? readCredentialsFile(path);
  }

  /** The provider to give the client: always the latest good credentials. */
  readonly provider: CredentialsProvider = () => this.current;

  /** Reads the file again; on failure keeps the old credentials and says why. */
  reload(): { ok: true; accessKeyId: string; changed: boolean } | { ok: false; reason: string } {
    try {
      const next = readCredentialsFile(this.path);
      const changed = next.accessKeyId !== this.current.accessKeyId || next.accessKeyPassword !== this.current.accessKeyPassword;
      this.current = next;
      return { ok: true, accessKeyId: next.accessKeyId, changed };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
}
