import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PortalAuth,
  composeIdentifiers,
  createJwtIdentifier,
  createLogger,
  createPermission,
  createPolicy,
  createPortal,
  createPortalAuth,
  createStaticTokenIdentifier,
  memorySink,
} from '../../index.js';
import { audience, type IssuerKey, issuer, issuerKey, serveJwks, signToken, unsignedToken } from './__testkit__/jwks-server.js';

let key: IssuerKey;
let jwks: Awaited<ReturnType<typeof serveJwks>>;
const serviceToken = 'svc-token-0123456789abcdef';
const write = createPermission({ name: 'notes.write', attributes: { action: 'create' } });

beforeAll(async () => {
  key = await issuerKey('key-1');
  jwks = await serveJwks([key]);
});
afterAll(() => jwks.close());

/** A portal with one plugin answering who asks and whether they may write. */
async function portalWith(auth: PortalAuth) {
  const portal = createPortal({
    logger: createLogger({ sink: memorySink() }),
    auth,
    plugins: [
      {
        id: 'whoami',
        handler: async (request) => {
          const principal = await auth.identify(request);
          if (request.method === 'POST') await auth.assertAllowed(principal, write);
          return Response.json({ type: principal.type, subject: principal.subject });
        },
      },
    ],
  });
  await portal.start();
  return portal;
}

describe('identifiers over HTTP', () => {
  it('answers 401 for bad credentials without echoing them, 403 for what the policy denies, 200 otherwise', async () => {
    const auth = createPortalAuth({
      identify: composeIdentifiers(
        createJwtIdentifier({ jwksUrl: jwks.url, issuer, audience }),
        createStaticTokenIdentifier({ tokens: [{ token: serviceToken, subject: 'ci', scopes: ['notes.read'] }] }),
      ),
      policy: createPolicy({ rules: [], statements: [{ permission: 'notes.*', principals: { types: ['user'] }, decision: 'allow' }] }),
      logger: createLogger({ sink: memorySink() }),
    });
    const portal = await portalWith(auth);
    try {
      const ask = (authorization?: string, method = 'GET') =>
        portal.request('/api/whoami', { method, headers: authorization ? { authorization } : {} });

      const user = await ask(`Bearer ${await signToken(key)}`);
      expect(user.status).toBe(200);
      expect(await user.json()).toEqual({ type: 'user', subject: 'user:default/jane' });
      expect((await ask(`Bearer ${await signToken(key)}`, 'POST')).status).toBe(200);

      const service = await ask(`Bearer ${serviceToken}`);
      expect(await service.json()).toEqual({ type: 'service', subject: 'ci' });
      expect((await ask(`Bearer ${serviceToken}`, 'POST')).status).toBe(403);
      expect((await ask(undefined, 'POST')).status).toBe(403);
      expect(await (await ask()).json()).toEqual({ type: 'anonymous', subject: 'anonymous' });

      const expired = await signToken(key, { exp: Math.floor(Date.now() / 1000) - 3600 });
      const forged = await signToken(await issuerKey('key-1'));
      for (const token of [expired, forged, unsignedToken(), 'unknown-token-0123456789', `${serviceToken}x`]) {
        const response = await ask(`Bearer ${token}`);
        expect(response.status, token.slice(0, 20)).toBe(401);
        const body = await response.text();
        expect(JSON.parse(body).error.name).toBe('AuthenticationError');
        for (const part of token.split('.').filter((p) => p.length > 8)) expect(body).not.toContain(part);
      }
      expect((await ask('Bearer')).status).toBe(401);
    } finally {
      await portal.stop();
    }
  });
});
