import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** A key pair as a token issuer holds it: private key for signing, public JWK for the key set. */
export interface IssuerKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

export async function issuerKey(kid: string, alg = 'ES256'): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** A real JWKS endpoint on 127.0.0.1, counting its hits. */
export async function serveJwks(keys: IssuerKey[]): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const issuer = 'https://portal.example.com/api/auth';
export const audience = 'portalkit';

/** Sign a token with `key`; `claims` override the defaults (a valid user token for an hour). */
export async function signToken(
  key: IssuerKey,
  claims: JWTPayload = {},
  header: { alg?: string; kid?: string; typ?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { iss: issuer, aud: audience, sub: 'user:default/jane', iat: now, exp: now + 3600, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const typ = header.typ === undefined ? {} : { typ: header.typ };
  return new SignJWT(payload).setProtectedHeader({ alg: header.alg ?? key.alg, kid: header.kid ?? key.kid, ...typ }).sign(key.privateKey);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned `alg: none` token, built by hand as an attacker would. */
export function unsignedToken(claims: JWTPayload = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: issuer, aud: audience, sub: 'user:default/jane', exp: now + 3600, ...claims })}.`;
}

export function bearer(token: string): Request {
  return new Request('http://portal.test/api', { headers: { authorization: `Bearer ${token}` } });
}
