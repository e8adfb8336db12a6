import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { Harness, startHarness } from './helpers/harness';

/** JWTs signed by an identity provider whose keys the gateway fetches from a JWKS URL. */
describe('JWTs verified with a JWKS', () => {
  let jwksServer: Server;
  let jwksRequests = 0;
  let h: Harness;
  const keys: Record<string, { privateKey: KeyLike; alg: string }> = {};
  const published: object[] = [];

  beforeAll(async () => {
    for (const [kid, alg] of [['rsa-1', 'RS256'], ['ec-1', 'ES256'], ['rsa-2', 'RS256']] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      keys[kid] = { privateKey, alg };
      // rsa-2 stands for a key the provider has not published.
      if (kid !== 'rsa-2') published.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
    }
    jwksServer = createServer((_req, res) => {
      jwksRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    // NODE_ENV test: production asks for an https JWKS URL (load-config.spec.ts), and this one is a loopback stand-in.
    h = await startHarness({ NODE_ENV: 'test', JWT_JWKS_URI: jwksUri, JWT_ISSUER: 'https://idp.example.com', JWT_AUDIENCE: 'gateway' });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const token = (kid: string, claims: Record<string, unknown> = { scope: 'images:read' }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: keys[kid].alg, kid })
      .setSubject('svc-reporting')
      .setIssuer('https://idp.example.com')
      .setAudience('gateway')
      .setExpirationTime('2m')
      .sign(keys[kid].privateKey);

  it.each(['rsa-1', 'ec-1'])('accepts a token signed with %s', async (kid) => {
    const { status, body } = await h.graphql('{ zones { id } }', undefined, { authorization: `Bearer ${await token(kid)}` });
    expect(status).toBe(200);
    expect(body.data!.zones).toHaveLength(5);
  });

  it('caches the key set instead of fetching it for every request', async () => {
    const before = jwksRequests;
    for (let i = 0; i < 5; i++) await h.graphql('{ zones { id } }', undefined, { authorization: `Bearer ${await token('rsa-1')}` });
    expect(jwksRequests - before).toBe(0);
  });

  it('refuses a token whose key the provider does not publish', async () => {
    const rotated = await token('rsa-2');
    const refused = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rotated}` },
      body: JSON.stringify({ query: '{ zones { id } }' }),
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).errors[0].message).toMatch(/no key/);
  });

  it('refuses an HS256 token (algorithm confusion)', async () => {
    const forged = await new SignJWT({ scope: 'images:read images:write' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setSubject('attacker')
      .setIssuer('https://idp.example.com')
      .setAudience('gateway')
      .setExpirationTime('2m')
      .sign(new TextEncoder().encode('some-secret-some-secret-some-secret'));
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
      body: JSON.stringify({ query: '{ zones { id } }' }),
    });
    expect(response.status).toBe(401);
  });
});
