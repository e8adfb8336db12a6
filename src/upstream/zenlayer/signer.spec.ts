import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authorizationHeader, canonicalRequest, stringToSign } from './signer';

interface Vector {
  name: string;
  accessKeyId: string;
  accessKeyPassword: string;
  host: string;
  timestamp: string;
  contentType: string;
  body: string;
  authorization: string;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(join(__dirname, '../../../test/fixtures/zc2-signing.json'), 'utf8'),
);

describe('ZC2-HMAC-SHA256 signer', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(4);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('reproduces the official SDK vector %s', (_name, v) => {
    expect(v.contentType).toBe('application/json');
    const header = authorizationHeader(v, { host: v.host, timestamp: v.timestamp, body: v.body });
    expect(header).toBe(v.authorization);
  });

  it('signs the body as UTF-8 bytes, identically from a string or a Buffer', () => {
    const v = vectors.find((x) => x.name === 'create-image-utf8')!;
    const fromBuffer = authorizationHeader(v, { host: v.host, timestamp: v.timestamp, body: Buffer.from(v.body, 'utf8') });
    expect(fromBuffer).toBe(v.authorization);
  });

  it('uses `/` as the canonical URI and an empty query', () => {
    const lines = canonicalRequest({ host: 'console.zenlayer.com', body: '{}' }).split('\n');
    expect(lines.slice(0, 3)).toEqual(['POST', '/', '']);
  });

  it('signs the host with its port when the port is not the default', () => {
    const a = canonicalRequest({ host: '127.0.0.1:8090', body: '{}' });
    const b = canonicalRequest({ host: '127.0.0.1', body: '{}' });
    expect(a).toContain('host:127.0.0.1:8090\n');
    expect(a).not.toBe(b);
  });

  it('changes the signature when one byte of the body changes', () => {
    const creds = { accessKeyId: 'id', accessKeyPassword: 'pw' };
    const base = { host: 'h', timestamp: '1' };
    expect(authorizationHeader(creds, { ...base, body: '{"a":1}' })).not.toBe(
      authorizationHeader(creds, { ...base, body: '{"a":2}' }),
    );
  });

  it('puts the algorithm and timestamp on the first lines of the string to sign', () => {
    expect(stringToSign('1700000000', 'x').split('\n').slice(0, 2)).toEqual(['ZC2-HMAC-SHA256', '1700000000']);
  });
});
