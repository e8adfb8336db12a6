import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_LOG_PATHS, secretScrubber } from './secrets';

describe('secret handling', () => {
  it('scrubs every configured secret out of a text', () => {
    const scrub = secretScrubber(['pw-123456', 'api-key-abcdef', 'x']);
    expect(scrub('bad pw-123456 and api-key-abcdef, x stays')).toBe('bad [redacted] and [redacted], x stays');
    expect(secretScrubber([])('unchanged')).toBe('unchanged');
  });

  it('treats secrets as literal text, not patterns', () => {
    expect(secretScrubber(['a+b(c)'])('see a+b(c) here, not aab')).toBe('see [redacted] here, not aab');
  });

  it('blanks credential fields wherever the logger meets them', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(chunk.toString()), done()) });
    const logger = pino({ redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer jwt.jwt.jwt', 'x-api-key': 'key-1', cookie: 'sid=1' } },
      credentials: { accessKeyPassword: 'pw-1', password: 'pw-2' },
      upstream: { headers: { Authorization: 'ZC2-HMAC-SHA256 Credential=x' } },
      connectionParams: { authorization: 'Bearer t' },
    });
    const text = lines.join('');
    for (const secret of ['jwt.jwt.jwt', 'key-1', 'sid=1', 'pw-1', 'pw-2', 'ZC2-HMAC', 'Bearer t']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
