import { exportSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
  createJwtIdentifier,
  createLogger,
  errorStatusCode,
  type JwtIdentifierOptions,
  memorySink,
  type Principal,
  PrincipalMappingError,
  toHttpResponse,
} from '../../index.js';
import { audience, bearer, type IssuerKey, issuer, issuerKey, serveJwks, signToken, unsignedToken } from './__testkit__/jwks-server.js';

let key: IssuerKey;
let rsaKey: IssuerKey;
let attackerKey: IssuerKey;
let jwks: Awaited<ReturnType<typeof serveJwks>>;

beforeAll(async () => {
  key = await issuerKey('key-1', 'ES256');
  rsaKey = await issuerKey('key-rsa', 'RS256');
  // Same kid as the real key: a forger who read the public key set.
  attackerKey = await issuerKey('key-1', 'ES256');
  jwks = await serveJwks([key, rsaKey]);
});
afterAll(() => jwks.close());

const identifier = (options: Partial<JwtIdentifierOptions> = {}) =>
  createJwtIdentifier({ jwksUrl: jwks.url, issuer, audience, ...options });

/** Identify a token and return the 401 it must cause, checking the token never leaks. */
async function refusal(token: string, options: Partial<JwtIdentifierOptions> = {}): Promise<string> {
  const error = await identifier(options)(bearer(token)).then(
    (p) => {
      throw new Error(`accepted as ${JSON.stringify(p)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  expect(errorStatusCode(error)).toBe(401);
  const message = (error as Error).message;
  for (const part of token.split('.').filter((p) => p.length > 8)) expect(message).not.toContain(part);
  return message;
}

const now = () => Math.floor(Date.now() / 1000);

describe('createJwtIdentifier', () => {
  it('turns a valid token into a user principal with the ownership refs of its ent claim, without the token', async () => {
    const token = await signToken(key, { ent: ['user:default/jane', 'group:default/Team-Payments'] });
    const principal = await identifier()(bearer(token));
    expect(principal).toMatchObject({
      type: 'user',
      subject: 'user:default/jane',
      userEntityRef: 'user:default/jane',
      ownershipEntityRefs: ['user:default/jane', 'group:default/team-payments'],
    });
    expect(principal.claims).toMatchObject({ iss: issuer, aud: audience, sub: 'user:default/jane' });
    expect(JSON.stringify(principal)).not.toContain(token.split('.')[2]);
  });

  it('verifies RS256 tokens too, and fetches the key set once for many tokens', async () => {
    const before = jwks.hits();
    const identify = identifier();
    for (let i = 0; i < 5; i++) {
      const principal = await identify(bearer(await signToken(rsaKey, { sub: `user:default/u${i}` })));
      expect(principal.userEntityRef).toBe(`user:default/u${i}`);
    }
    expect(jwks.hits() - before).toBe(1);
  });

  it('owns through resolveOwnership when given, else the ent claim, else the user alone', async () => {
    const asked: string[] = [];
    const resolved = await identifier({
      resolveOwnership: async (ref) => {
        asked.push(ref);
        return [ref, 'group:default/team-platform'];
      },
    })(bearer(await signToken(key, { ent: ['group:default/forged-by-nobody'] })));
    expect(asked).toEqual(['user:default/jane']);
    expect(resolved.ownershipEntityRefs).toEqual(['user:default/jane', 'group:default/team-platform']);

    const alone = await identifier()(bearer(await signToken(key, { sub: 'user:Jim' })));
    expect(alone).toMatchObject({ userEntityRef: 'user:default/jim', ownershipEntityRefs: ['user:default/jim'] });

    const badEnt = await identifier()(bearer(await signToken(key, { ent: [1, 'group:default/x'] })));
    expect(badEnt.ownershipEntityRefs).toEqual(['user:default/jane']);
  });

  it('reads the user entity ref from userEntityRefClaim, and refuses a token without one', async () => {
    const principal = await identifier({ userEntityRefClaim: 'backstage_ref' })(
      bearer(await signToken(key, { sub: '12345', backstage_ref: 'user:default/kim' })),
    );
    expect(principal.userEntityRef).toBe('user:default/kim');
    expect(await refusal(await signToken(key, { sub: '12345' }))).toMatch(/no user entity ref in claim "sub"/);
    expect(await refusal(await signToken(key, { sub: 'group:default/admins' }))).toMatch(/no user entity ref/);
    expect(await refusal(await signToken(key, { sub: 'user:default/a:b/c' }))).toMatch(/no user entity ref/);
  });

  it('maps claims with toPrincipal, and rejects what is not a principal', async () => {
    const toPrincipal = (claims: Record<string, unknown>): Principal => ({
      type: 'user',
      subject: String(claims.email),
      userEntityRef: `user:default/${String(claims.email).split('@')[0]}`,
      ownershipEntityRefs: [],
      claims,
    });
    const principal = await identifier({ toPrincipal })(bearer(await signToken(key, { sub: 'x', email: 'ann@example.com' })));
    expect(principal).toMatchObject({ subject: 'ann@example.com', userEntityRef: 'user:default/ann' });
  });

  it('turns a failing toPrincipal into a PrincipalMappingError (500) that never echoes the token or claims', async () => {
    const secretClaim = 'claim-value-s3cr3t';
    const token = await signToken(key, { email: secretClaim });
    const mappings: Array<[JwtIdentifierOptions['toPrincipal'], RegExp]> = [
      [() => ({ type: 'root', subject: secretClaim }) as unknown as Principal, /toPrincipal returned no valid principal \(type: invalid_value.*ownershipEntityRefs: invalid_type/],
      [() => undefined as unknown as Principal, /toPrincipal returned no valid principal \(principal: invalid_type\)/],
      [(claims) => { throw new Error(`no group for ${String(claims.email)}`); }, /toPrincipal threw Error/],
      [async (claims) => { throw new TypeError(String(claims.email)); }, /toPrincipal threw TypeError/],
      [() => { throw secretClaim; }, /toPrincipal threw string/],
      [(claims) => { throw new InputError(`bad claim ${String(claims.email)}`); }, /toPrincipal threw InputError/],
    ];
    for (const [toPrincipal, message] of mappings) {
      const logs = memorySink();
      const error = await identifier({ toPrincipal, logger: createLogger({ sink: logs }) })(bearer(token)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrincipalMappingError);
      expect(errorStatusCode(error)).toBe(500);
      expect((error as Error).message).toMatch(message);
      const response = await toHttpResponse(error).text();
      expect(logs.records.map((r) => r.message)).toEqual(['JWT identity mapping failed']);
      for (const text of [(error as Error).message, response, JSON.stringify(logs.records)]) {
        expect(text).not.toContain(secretClaim);
        for (const part of token.split('.')) expect(text).not.toContain(part);
      }
    }
    // The host refusing the token is a 401, as the host meant.
    const refused = await identifier({
      toPrincipal: () => {
        throw new AuthenticationError('Invalid bearer token: not a member');
      },
    })(bearer(token)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    const down = await identifier({
      resolveOwnership: async () => {
        throw new ServiceUnavailableError('catalog unavailable');
      },
    })(bearer(token)).catch((e: unknown) => e);
    expect(errorStatusCode(down)).toBe(503);
    const crashed = await identifier({
      resolveOwnership: async () => {
        throw new Error(`lookup failed for ${secretClaim}`);
      },
      logger: createLogger({ sink: memorySink() }),
    })(bearer(token)).catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(PrincipalMappingError);
    expect((crashed as Error).message).toMatch(/resolveOwnership threw Error/);
    expect((crashed as Error).message).not.toContain(secretClaim);
    // resolveOwnership resolving to garbage is the host's bug too.
    const badOwnership = await identifier({ resolveOwnership: async () => 'group:default/x' as unknown as string[], logger: createLogger({ sink: memorySink() }) })(
      bearer(token),
    ).catch((e: unknown) => e);
    expect(badOwnership).toBeInstanceOf(PrincipalMappingError);
  });

  it('checks the typ header when typ is set (RFC 9068 access tokens), so an ID token of the same issuer is refused', async () => {
    const accessTokens = identifier({ typ: 'at+jwt' });
    expect((await accessTokens(bearer(await signToken(key, {}, { typ: 'at+jwt' })))).type).toBe('user');
    expect((await accessTokens(bearer(await signToken(key, {}, { typ: 'application/at+jwt' })))).type).toBe('user');
    expect((await identifier({ typ: 'application/at+jwt' })(bearer(await signToken(key, {}, { typ: 'AT+JWT' })))).type).toBe('user');
    for (const typ of ['JWT', 'id_token+jwt', 'at+jwt ', undefined]) {
      expect(await refusal(await signToken(key, {}, { typ }), { typ: 'at+jwt' }), String(typ)).toMatch(/wrong token type/);
    }
    // Without the option, typ is not looked at.
    expect((await identifier()(bearer(await signToken(key, {}, { typ: 'JWT' })))).type).toBe('user');
  });

  it('refuses a jwksUrl over plain http unless the host is loopback or allowInsecureJwks is set', () => {
    for (const jwksUrl of ['http://auth.example.com/jwks.json', 'http://10.0.0.5/jwks', 'http://127.0.0.1.example.com/jwks', 'http://[::2]/jwks']) {
      expect(() => createJwtIdentifier({ jwksUrl, issuer, audience }), jwksUrl).toThrow(/jwksUrl must use https/);
      expect(() => createJwtIdentifier({ jwksUrl, issuer, audience, allowInsecureJwks: true })).not.toThrow();
    }
    for (const jwksUrl of ['https://auth.example.com/jwks.json', 'http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:3000/jwks', 'HTTP://LOCALHOST/x']) {
      expect(() => createJwtIdentifier({ jwksUrl, issuer, audience }), jwksUrl).not.toThrow();
    }
    expect(() => createJwtIdentifier({ jwksUrl: 'http://auth.example.com/', issuer, audience, allowInsecureJwks: 'yes' as unknown as boolean })).toThrow(
      InputError,
    );
  });

  it('gives the anonymous principal without an Authorization header or with another scheme', async () => {
    const identify = identifier();
    expect((await identify(new Request('http://portal.test/'))).type).toBe('anonymous');
    const basic = new Request('http://portal.test/', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect((await identify(basic)).type).toBe('anonymous');
  });

  it('refuses a token signed by another key under the real kid (forged)', async () => {
    expect(await refusal(await signToken(attackerKey))).toMatch(/signature verification failed/);
  });

  it('refuses a token signed by a key the set does not hold', async () => {
    const stranger = await issuerKey('key-unknown');
    expect(await refusal(await signToken(stranger))).toMatch(/no matching key/);
  });

  it('refuses a token whose payload was changed after signing (wrongly signed)', async () => {
    const [header, , signature] = (await signToken(key)).split('.');
    const payload = Buffer.from(JSON.stringify({ iss: issuer, aud: audience, sub: 'user:default/admin', exp: now() + 3600 })).toString('base64url');
    expect(await refusal(`${header}.${payload}.${signature}`)).toMatch(/signature verification failed/);
    // A signature of the right length made of garbage.
    const [h, p, s] = (await signToken(key)).split('.');
    expect(await refusal(`${h}.${p}.${'A'.repeat(s!.length)}`)).toMatch(/signature verification failed/);
  });

  it('refuses expired, not-yet-valid and non-expiring tokens', async () => {
    expect(await refusal(await signToken(key, { iat: now() - 7200, exp: now() - 3600 }))).toMatch(/expired/);
    expect(await refusal(await signToken(key, { nbf: now() + 3600 }))).toMatch(/not yet valid/);
    expect(await refusal(await signToken(key, { exp: undefined }))).toMatch(/expiry/);
    // Within the clock tolerance it passes; beyond it it does not.
    await expect(identifier({ clockTolerance: 60 })(bearer(await signToken(key, { exp: now() - 30 })))).resolves.toMatchObject({ type: 'user' });
    expect(await refusal(await signToken(key, { exp: now() - 30 }), { clockTolerance: 0 })).toMatch(/expired/);
  });

  it('refuses an unsigned alg: none token', async () => {
    expect(await refusal(unsignedToken())).toMatch(/Invalid bearer token/);
    expect(await refusal(`${unsignedToken()}AAAA`)).toMatch(/Invalid bearer token/);
  });

  it('refuses an HS256 token signed with the public key as the secret (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsaKey.publicKey);
    for (const secret of [pem, JSON.stringify(rsaKey.publicJwk)]) {
      const token = await new SignJWT({ iss: issuer, aud: audience, sub: 'user:default/admin', exp: now() + 3600 })
        .setProtectedHeader({ alg: 'HS256', kid: rsaKey.kid })
        .sign(new TextEncoder().encode(secret));
      expect(await refusal(token)).toMatch(/algorithm not allowed/);
    }
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(await refusal(await signToken(key, { aud: 'another-app' }))).toMatch(/wrong audience/);
    expect(await refusal(await signToken(key, { aud: undefined }))).toMatch(/wrong audience/);
    expect(await refusal(await signToken(key, { iss: 'https://evil.example.com' }))).toMatch(/wrong issuer/);
  });

  it('refuses garbage Authorization values with a 401 that does not echo them', async () => {
    const values = [
      'Bearer',
      'Bearer    ',
      'Bearer a b',
      'bearer ...',
      'Bearer x.y.z',
      'Bearer e30.e30.',
      `Bearer ${'A'.repeat(20_000)}`,
      'Bearer !!!!.????.####',
      'Bearer eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln',
      `Bearer ${Buffer.from('{"alg":"ES256","kid":"key-1","crit":["x"]}').toString('base64url')}.e30.c2ln`,
    ];
    const identify = identifier();
    for (const value of values) {
      const error = await identify(new Request('http://portal.test/', { headers: { authorization: value } })).catch((e: unknown) => e);
      expect(error, value).toBeInstanceOf(AuthenticationError);
      const token = value.slice(7);
      if (token.length > 8) expect((error as Error).message).not.toContain(token.slice(0, 20));
    }
  });

  it('refuses a static service token when only JWTs are configured', async () => {
    expect(await refusal('ci-token-0123456789abcdef')).toMatch(/malformed/);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const down = await serveJwks([key]);
    const url = down.url;
    await down.close();
    const error = await createJwtIdentifier({ jwksUrl: url, issuer, audience })(bearer(await signToken(key))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    const missing = await createJwtIdentifier({ jwksUrl: jwks.url.replace('jwks.json', 'nope'), issuer, audience })(
      bearer(await signToken(key)),
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ServiceUnavailableError);
  });

  it('verifies against an inline key set', async () => {
    const identify = createJwtIdentifier({ jwks: { keys: [key.publicJwk] }, issuer, audience: [audience, 'other'] });
    expect((await identify(bearer(await signToken(key)))).type).toBe('user');
    await expect(identify(bearer(await signToken(rsaKey)))).rejects.toThrow(AuthenticationError);
  });

  it('refuses bad options at creation, naming the factory', () => {
    const bad: Array<Partial<JwtIdentifierOptions>> = [
      { algorithms: ['HS256'] },
      { algorithms: ['none'] },
      { algorithms: [] },
      { jwks: { keys: [] } },
      { jwksUrl: 'not a url' },
      { jwksUrl: 'file:///etc/passwd' },
      { issuer: '' },
      { audience: [] },
      { clockTolerance: -1 },
      { typ: '' },
    ];
    for (const options of bad) {
      expect(() => createJwtIdentifier({ jwksUrl: jwks.url, issuer, audience, ...options }), JSON.stringify(options)).toThrow(InputError);
    }
    expect(() => createJwtIdentifier({ jwksUrl: jwks.url, jwks: { keys: [key.publicJwk] }, issuer, audience })).toThrow(
      /createJwtIdentifier: .*exactly one of jwksUrl and jwks/,
    );
    expect(() => createJwtIdentifier({ jwks: { keys: [{ kty: 'nope' }] }, issuer, audience })).toThrow(InputError);
    expect(() => createJwtIdentifier({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, issuer, audience })).toThrow(/kty/);
    expect(() => createJwtIdentifier({ jwks: { keys: [{ ...key.publicJwk, d: 'private' }] }, issuer, audience })).toThrow(/public key/);
  });
});
