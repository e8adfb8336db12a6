import pino from 'pino';
import { Writable } from 'node:stream';
import { OUTSIDE_TEXT_MAX_LENGTH, outsideTextCleaner, REDACTED_LOG_PATHS, redactUrl, secretScrubber } from './secrets';

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

describe(secretScrubber.name, () => {
  const scrub = secretScrubber(['Pw-Secret-123456', 'api-key-abcdef']);

  it('catches a secret in any letter case', () => {
    expect(scrub('got pw-secret-123456 and PW-SECRET-123456 and API-KEY-ABCDEF')).toBe('got [redacted] and [redacted] and [redacted]');
  });

  it('catches a secret inside a longer string', () => {
    expect(scrub('token=xxPw-Secret-123456yy;path=/api-key-abcdef/x')).toBe('token=xx[redacted]yy;path=/[redacted]/x');
  });
});

describe(outsideTextCleaner.name, () => {
  const clean = outsideTextCleaner(['Pw-Secret-123456']);

  it('removes markup, scripts, styles, comments and control characters', () => {
    const page = '<html><head><style>body{color:red}</style><script>alert("x")</script></head><body><!-- /srv/internal/app.js --><h1>Bad\u0000 request</h1>\r\n<p>zoneIds\u001b[31m is &lt;invalid&gt;</p></body></html>';
    expect(clean(page)).toBe('Bad request zoneIds [31m is &lt;invalid&gt;');
  });

  it('keeps plain text with comparison signs as it is', () => {
    expect(clean('pageSize must be <= 1000 and > 0')).toBe('pageSize must be <= 1000 and > 0');
  });

  it('drops a tag cut off at the end', () => {
    expect(clean('the value <img src=x onerror=alert(1)')).toBe('the value');
  });

  it('bounds the text, marking the cut', () => {
    const cleaned = clean(`<div>${'word '.repeat(5000)}</div>`);
    expect(cleaned.length).toBeLessThanOrEqual(OUTSIDE_TEXT_MAX_LENGTH);
    expect(cleaned.endsWith('…')).toBe(true);
    expect(clean('short')).toBe('short');
  });

  it('scrubs secrets, in text and in markup, before cutting', () => {
    expect(clean('<p>near PW-SECRET-123456</p><a href="/x?k=Pw-Secret-123456">x</a>')).toBe('near [redacted] x');
    expect(clean(`${'a'.repeat(290)} Pw-Secret-123456`)).toBe(`${'a'.repeat(290)} [redacte…`);
  });
});

describe(redactUrl.name, () => {
  it.each([
    ['/graphql?x-api-key=k1', '/graphql?x-api-key=[redacted]'],
    ['/v1/zones?api_key=k1&zoneIds=FRA-A', '/v1/zones?api_key=[redacted]&zoneIds=FRA-A'],
    ['/v1/zones?APIKEY=k1&Token=t&ACCESS_TOKEN=a&Authorization=Bearer%20x', '/v1/zones?APIKEY=[redacted]&Token=[redacted]&ACCESS_TOKEN=[redacted]&Authorization=[redacted]'],
    ['/x?key=1&jwt=2&password=3&secret=4&id_token=5&client_secret=6', '/x?key=[redacted]&jwt=[redacted]&password=[redacted]&secret=[redacted]&id_token=[redacted]&client_secret=[redacted]'],
    ['/x?%74oken=t&api%5Fkey=k&token[]=a', '/x?%74oken=[redacted]&api%5Fkey=[redacted]&token[]=[redacted]'],
    ['/x?token', '/x?token=[redacted]'],
    ['/x?%E0%A4%A=1', '/x?%E0%A4%A=1'],
    ['/v1/images?zoneId=FRA-A&page=2', '/v1/images?zoneId=FRA-A&page=2'],
    ['/healthz', '/healthz'],
  ])('logs %s as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
