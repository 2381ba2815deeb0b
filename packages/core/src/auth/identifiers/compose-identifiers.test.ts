import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
  composeIdentifiers,
  createJwtIdentifier,
  createStaticTokenIdentifier,
  type TokenIdentifier,
} from '../../index.js';
import { audience, bearer, type IssuerKey, issuer, issuerKey, serveJwks, signToken, unsignedToken } from './__testkit__/jwks-server.js';

let key: IssuerKey;
let otherIssuerKey: IssuerKey;
let jwks: Awaited<ReturnType<typeof serveJwks>>;
const serviceToken = 'svc-token-0123456789abcdef';

beforeAll(async () => {
  key = await issuerKey('key-1');
  otherIssuerKey = await issuerKey('key-2');
  jwks = await serveJwks([key]);
});
afterAll(() => jwks.close());

const jwt = () => createJwtIdentifier({ jwksUrl: jwks.url, issuer, audience });
const statics = () => createStaticTokenIdentifier({ tokens: [{ token: serviceToken, subject: 'ci', scopes: ['catalog.*'] }] });

describe('composeIdentifiers', () => {
  it('routes JWTs to the JWT identifier and other tokens to the static tokens, whatever the order', async () => {
    for (const identify of [composeIdentifiers(jwt(), statics()), composeIdentifiers(statics(), jwt())]) {
      expect(await identify(bearer(await signToken(key)))).toMatchObject({ type: 'user', userEntityRef: 'user:default/jane' });
      expect(await identify(bearer(serviceToken))).toMatchObject({ type: 'service', subject: 'ci', scopes: ['catalog.*'] });
      expect((await identify(new Request('http://portal.test/'))).type).toBe('anonymous');
    }
  });

  it('never makes a user of a service token: with only JWTs configured it is a 401', async () => {
    const identify = composeIdentifiers(jwt());
    await expect(identify(bearer(serviceToken))).rejects.toThrow(/only JWTs are accepted here/);
  });

  it('never matches a JWT as a service token, and a refused JWT does not fall through to the static tokens', async () => {
    await expect(composeIdentifiers(statics())(bearer(await signToken(key)))).rejects.toThrow(/JWTs are not accepted here/);
    const identify = composeIdentifiers(statics(), jwt());
    const expired = await signToken(key, { exp: Math.floor(Date.now() / 1000) - 3600 });
    await expect(identify(bearer(expired))).rejects.toThrow(/expired/);
    await expect(identify(bearer(unsignedToken()))).rejects.toThrow(AuthenticationError);
  });

  it('tries identifiers of the same kind in order: a second issuer accepts what the first refuses', async () => {
    const second = createJwtIdentifier({ jwks: { keys: [otherIssuerKey.publicJwk] }, issuer: 'https://other.example.com', audience });
    const identify = composeIdentifiers(jwt(), second);
    expect((await identify(bearer(await signToken(otherIssuerKey, { iss: 'https://other.example.com' })))).type).toBe('user');
    expect((await identify(bearer(await signToken(key)))).type).toBe('user');
    // Signed by the second issuer's key but claiming the first issuer: both refuse.
    await expect(identify(bearer(await signToken(otherIssuerKey)))).rejects.toThrow(AuthenticationError);
    const second2 = createStaticTokenIdentifier({ tokens: [{ token: 'other-svc-token-0123456789', subject: 'other' }] });
    expect((await composeIdentifiers(statics(), second2)(bearer('other-svc-token-0123456789'))).subject).toBe('other');
  });

  it('does not mask an unreachable key set with the next identifier', async () => {
    const down = await serveJwks([key]);
    const url = down.url;
    await down.close();
    const identify = composeIdentifiers(createJwtIdentifier({ jwksUrl: url, issuer, audience }), jwt());
    await expect(identify(bearer(await signToken(key)))).rejects.toThrow(ServiceUnavailableError);
  });

  it('refuses what is not a token identifier', () => {
    expect(() => composeIdentifiers()).toThrow(InputError);
    expect(() => composeIdentifiers((() => ({})) as unknown as TokenIdentifier)).toThrow(/argument 0 is not a token identifier/);
  });
});
