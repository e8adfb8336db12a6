/**
 * Replaces every configured secret value found in a text with `[redacted]`: anywhere in it
 * (inside longer words too) and in any letter case. For text that comes from outside (Zenlayer's
 * messages) on its way to a client or a log line.
 */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  return (text) => text.replace(pattern, '[redacted]');
}

/** How much of a text from outside (an upstream message) is passed on to a client or a log line. */
export const OUTSIDE_TEXT_MAX_LENGTH = 300;

const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi;
const COMMENT = /<!--[\s\S]*?(-->|$)/g;
/** A tag, or the start of one cut off at the end of the text. */
const TAG = /<\/?[A-Za-z!?][^>]*(>|$)/g;
/** C0 and C1 controls, and the bidirectional overrides that make a log line read differently from what it holds. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Makes text from outside fit to show: secrets scrubbed, markup (HTML tags, comments, scripts
 * and styles) and control characters replaced by spaces, whitespace collapsed, and at most
 * `maxLength` characters, cut with `…`.
 */
export function outsideTextCleaner(secrets: readonly string[], maxLength = OUTSIDE_TEXT_MAX_LENGTH): (text: string) => string {
  const scrub = secretScrubber(secrets);
  return (text) => {
    // Scrubbed, then bounded before the other expressions run (a cut must not halve a secret).
    const plain = scrub(text)
      .slice(0, 64 * 1024)
      .replace(SCRIPT_OR_STYLE, ' ')
      .replace(COMMENT, ' ')
      .replace(TAG, ' ')
      .replace(CONTROL, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return truncate(plain, maxLength);
  };
}

function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - 1;
  // Never split a surrogate pair.
  if (/[\ud800-\udbff]/.test(text[end - 1])) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/**
 * Query parameters whose values are credentials, compared case-insensitively and without `-`,
 * `_` or `[]`: x-api-key, api_key, apikey, key, token, access_token, authorization, jwt,
 * password, secret, and any name ending in token, secret, password or apikey (id_token,
 * client_secret, ...).
 */
const CREDENTIAL_PARAMETER = /^(x?apikey|key|token|accesstoken|authorization|auth|jwt|password|passwd|pwd|secret|signature)$|(token|secret|password|apikey)$/;

/**
 * A request URL fit for a log line: the values of credential-like query parameters replaced by
 * `[redacted]` (clients do put API keys in query strings). The rest is left exactly as sent.
 */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const parameters = url
    .slice(query + 1)
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      const name = equals === -1 ? parameter : parameter.slice(0, equals);
      return CREDENTIAL_PARAMETER.test(normalizedName(name)) ? `${name}=[redacted]` : parameter;
    });
  return `${url.slice(0, query)}?${parameters.join('&')}`;
}

function normalizedName(name: string): string {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes: judge the name as sent.
  }
  return decoded.toLowerCase().replace(/[\s_\-[\]]/g, '');
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
