import { describe, expect, it } from 'vitest';
import { oidcSettingsFromEnv } from './index.js';

describe('oidcSettingsFromEnv', () => {
  it('is undefined without an issuer (the demo provider runs)', () => {
    expect(oidcSettingsFromEnv({})).toBeUndefined();
    expect(oidcSettingsFromEnv({ PORTALKIT_OIDC_CLIENT_ID: 'x' })).toBeUndefined();
  });

  it('reads an issuer with its client and audience, keeping the issuer exactly as given', () => {
    expect(
      oidcSettingsFromEnv({
        PORTALKIT_OIDC_ISSUER: 'https://login.acme.example/',
        PORTALKIT_OIDC_CLIENT_ID: 'portal',
        PORTALKIT_OIDC_AUDIENCE: 'https://portal.acme.example/api',
        PORTALKIT_OIDC_JWKS_URL: 'https://login.acme.example/keys',
        PORTALKIT_OIDC_SCOPE: 'openid profile',
      }),
    ).toEqual({
      issuer: 'https://login.acme.example/',
      clientId: 'portal',
      audience: 'https://portal.acme.example/api',
      jwksUrl: 'https://login.acme.example/keys',
      scope: 'openid profile',
    });
  });

  it('refuses an issuer without client or audience, and URLs that are not http(s)', () => {
    expect(() => oidcSettingsFromEnv({ PORTALKIT_OIDC_ISSUER: 'https://login.acme.example' })).toThrow(/PORTALKIT_OIDC_CLIENT_ID and PORTALKIT_OIDC_AUDIENCE/);
    const base = { PORTALKIT_OIDC_CLIENT_ID: 'p', PORTALKIT_OIDC_AUDIENCE: 'a' };
    expect(() => oidcSettingsFromEnv({ ...base, PORTALKIT_OIDC_ISSUER: 'javascript:alert(1)' })).toThrow(/PORTALKIT_OIDC_ISSUER must be an http\(s\) URL/);
    expect(() => oidcSettingsFromEnv({ ...base, PORTALKIT_OIDC_ISSUER: 'https://x', PORTALKIT_OIDC_JWKS_URL: 'file:///etc/passwd' })).toThrow(/PORTALKIT_OIDC_JWKS_URL/);
  });
});
