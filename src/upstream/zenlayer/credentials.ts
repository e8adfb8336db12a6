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
