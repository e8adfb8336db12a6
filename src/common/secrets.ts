/**
 * Replaces every configured secret value found in a text with `[redacted]`. For text that comes
 * from outside (Zenlayer's messages) on its way to a client or a log line.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, '[redacted]');
}

/** Log paths pino blanks out wherever they appear in a logged object. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
  '*.authorization',
  '*.Authorization',
  '*["x-api-key"]',
  '*.cookie',
  'accessKeyPassword',
  '*.accessKeyPassword',
  'password',
  '*.password',
  'connectionParams',
  '*.connectionParams',
];
