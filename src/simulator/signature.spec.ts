import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildZc2Authorization,
  computeZc2Signature,
  parseZc2Authorization,
  verifyZc2Request,
  Zc2VerifyInput,
  zc2CanonicalRequest,
  zc2StringToSign,
} from './signature';

interface SigningVector {
  name: string;
  accessKeyId: string;
  accessKeyPassword: string;
  host: string;
  action: string;
  timestamp: string;
  contentType: string;
  body: string;
  authorization: string;
}

const vectors = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/zc2-signing.json'), 'utf8')) as SigningVector[];

describe('ZC2-HMAC-SHA256 known answers', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(4);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('reproduces the authorization of %s', (_name, vector) => {
    expect(buildZc2Authorization(vector)).toBe(vector.authorization);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('verifies the request of %s at its own timestamp', (_name, vector) => {
    const result = verifyZc2Request({
      authorization: vector.authorization,
      host: vector.host,
      timestamp: vector.timestamp,
      body: Buffer.from(vector.body, 'utf8'),
      lookupPassword: (id) => (id === vector.accessKeyId ? vector.accessKeyPassword : undefined),
      nowMs: Number(vector.timestamp) * 1000,
      maxClockSkewSeconds: 300,
    });
    expect(result).toEqual({ ok: true, accessKeyId: vector.accessKeyId });
  });
});

describe('ZC2 canonicalisation', () => {
  it('uses / as the canonical URI, an empty query and application/json', () => {
    const canonical = zc2CanonicalRequest('console.zenlayer.com', '{}');
    expect(canonical).toBe(
      'POST\n/\n\ncontent-type:application/json\nhost:console.zenlayer.com\n\ncontent-type;host\n' +
        '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });

  it('keeps the port in the host', () => {
    expect(zc2CanonicalRequest('127.0.0.1:8090', '{}')).toContain('\nhost:127.0.0.1:8090\n');
  });

  it('builds the string to sign from the algorithm, timestamp and canonical hash', () => {
    expect(zc2StringToSign('1700000000', 'x')).toBe('ZC2-HMAC-SHA256\n1700000000\n2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  });

  it('signs the UTF-8 bytes: a Buffer and its string give the same signature', () => {
    const body = '{"imageName":"web-镜像_01"}';
    const input = { accessKeyPassword: 'pw', host: 'h', timestamp: '1' };
    expect(computeZc2Signature({ ...input, body: Buffer.from(body, 'utf8') })).toBe(computeZc2Signature({ ...input, body }));
  });
});

describe(parseZc2Authorization.name, () => {
  const sig = 'a'.repeat(64);

  it('parses the SDK layout', () => {
    expect(parseZc2Authorization(`ZC2-HMAC-SHA256 Credential=id-1, SignedHeaders=content-type;host, Signature=${sig}`)).toEqual({
      accessKeyId: 'id-1',
      signature: sig,
    });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another algorithm', `AWS4-HMAC-SHA256 Credential=id, SignedHeaders=content-type;host, Signature=${sig}`],
    ['a bearer token', 'Bearer abc'],
    ['no separator space', `ZC2-HMAC-SHA256 Credential=id,SignedHeaders=content-type;host, Signature=${sig}`],
    ['other signed headers', `ZC2-HMAC-SHA256 Credential=id, SignedHeaders=host, Signature=${sig}`],
    ['a short signature', `ZC2-HMAC-SHA256 Credential=id, SignedHeaders=content-type;host, Signature=${sig.slice(1)}`],
    ['upper-case hex', `ZC2-HMAC-SHA256 Credential=id, SignedHeaders=content-type;host, Signature=${'A'.repeat(64)}`],
    ['trailing text', `ZC2-HMAC-SHA256 Credential=id, SignedHeaders=content-type;host, Signature=${sig} x`],
    ['an empty credential', `ZC2-HMAC-SHA256 Credential=, SignedHeaders=content-type;host, Signature=${sig}`],
  ])('rejects %s', (_case, header) => {
    expect(typeof parseZc2Authorization(header)).toBe('string');
  });
});

describe(verifyZc2Request.name, () => {
  const timestamp = '1763800000';
  const body = '{"zoneIds":["FRA-A"]}';
  const host = '127.0.0.1:8090';
  const signed = (overrides: Partial<{ password: string; host: string; body: string; timestamp: string }> = {}): string =>
    buildZc2Authorization({
      accessKeyId: 'sim-key-id',
      accessKeyPassword: overrides.password ?? 'sim-key-password',
      host: overrides.host ?? host,
      timestamp: overrides.timestamp ?? timestamp,
      body: overrides.body ?? body,
    });
  const verify = (input: Partial<Zc2VerifyInput>) =>
    verifyZc2Request({
      authorization: signed(),
      host,
      timestamp,
      body: Buffer.from(body),
      lookupPassword: (id) => (id === 'sim-key-id' ? 'sim-key-password' : undefined),
      nowMs: Number(timestamp) * 1000,
      maxClockSkewSeconds: 300,
      ...input,
    });

  it('accepts an authentic request', () => {
    expect(verify({})).toEqual({ ok: true, accessKeyId: 'sim-key-id' });
  });

  it('rejects a tampered body', () => {
    expect(verify({ body: Buffer.from('{"zoneIds":["HKG-A"]}') })).toMatchObject({ ok: false, code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });

  it('rejects a body that differs only in whitespace', () => {
    expect(verify({ body: Buffer.from('{"zoneIds": ["FRA-A"]}') })).toMatchObject({ ok: false, code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });

  it('rejects a signature made with the wrong password', () => {
    expect(verify({ authorization: signed({ password: 'not-the-password' }) })).toMatchObject({ ok: false, code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });

  it('rejects a signature made for another host', () => {
    expect(verify({ authorization: signed({ host: '127.0.0.1' }) })).toMatchObject({ ok: false, code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });

  it('rejects a signature made for another timestamp', () => {
    expect(verify({ authorization: signed({ timestamp: '1763800001' }) })).toMatchObject({ ok: false, code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });

  it('rejects an unknown access key id', () => {
    expect(verify({ lookupPassword: () => undefined })).toMatchObject({ ok: false, code: 'AUTHFAILURE_INVALID_AUTHORIZATION' });
  });

  it('rejects an unparseable header', () => {
    expect(verify({ authorization: 'Bearer nope' })).toMatchObject({ ok: false, code: 'AUTHFAILURE_INVALID_AUTHORIZATION' });
  });

  it.each([undefined, '', '17638e5', '-1', '1763800000.5'])('rejects the timestamp %p', (bad) => {
    expect(verify({ timestamp: bad })).toMatchObject({ ok: false, code: 'AUTHFAILURE_INVALID_AUTHORIZATION' });
  });

  it('rejects a missing Host header', () => {
    expect(verify({ host: undefined })).toMatchObject({ ok: false, code: 'AUTHFAILURE_INVALID_AUTHORIZATION' });
  });

  it.each([
    ['behind', 301],
    ['ahead of', -301],
  ])('rejects a timestamp more than the allowed skew %s the clock', (_dir, offsetSeconds) => {
    expect(verify({ nowMs: (Number(timestamp) + offsetSeconds) * 1000 })).toMatchObject({ ok: false, code: 'AUTHFAILURE_SIGNATURE_EXPIRED' });
  });

  it('accepts a timestamp exactly at the allowed skew', () => {
    expect(verify({ nowMs: (Number(timestamp) + 300) * 1000 })).toMatchObject({ ok: true });
    expect(verify({ nowMs: (Number(timestamp) - 300) * 1000 })).toMatchObject({ ok: true });
  });

  it('reports a forged stale request as a signature failure, not as expired', () => {
    expect(verify({ authorization: signed({ password: 'x' }), nowMs: 0 })).toMatchObject({ code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });
});
