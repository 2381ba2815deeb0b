import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  InputError,
  createPermission,
  createPortalAuth,
  createStaticTokenIdentifier,
} from '../../index.js';
import { bearer } from './__testkit__/jwks-server.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const ciToken = 'ci-0123456789abcdef';
const deployToken = 'deploy-token-fedcba9876543210-longer';
const tokens = [
  { token: ciToken, subject: 'ci', scopes: ['catalog.entity.read', 'catalog.location.*'] },
  { token: deployToken, subject: 'deployer' },
];

describe('createStaticTokenIdentifier', () => {
  it('identifies a configured token as a service principal with its scopes', async () => {
    const identify = createStaticTokenIdentifier({ tokens });
    expect(await identify(bearer(ciToken))).toEqual({
      type: 'service',
      subject: 'ci',
      ownershipEntityRefs: [],
      claims: {},
      scopes: ['catalog.entity.read', 'catalog.location.*'],
    });
    const deployer = await identify(bearer(deployToken));
    expect(deployer).toMatchObject({ type: 'service', subject: 'deployer' });
    expect(deployer.scopes).toBeUndefined();
    expect(JSON.stringify(deployer)).not.toContain(deployToken);
  });

  it('limits a service principal to its scopes in PortalAuth.authorize, before the policy', async () => {
    const auth = createPortalAuth({ identify: createStaticTokenIdentifier({ tokens }), policy: () => ({ result: 'ALLOW' }) });
    const ci = await auth.identify(bearer(ciToken));
    const read = createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' }, resourceType: 'catalog-entity' });
    const createLocation = createPermission({ name: 'catalog.location.create', attributes: { action: 'create' } });
    const del = createPermission({ name: 'catalog.entity.delete', attributes: { action: 'delete' }, resourceType: 'catalog-entity' });
    const task = createPermission({ name: 'scaffolder.task.create', attributes: { action: 'create' } });
    expect(await auth.authorize(ci, read)).toEqual({ result: 'ALLOW' });
    expect(await auth.authorize(ci, createLocation)).toEqual({ result: 'ALLOW' });
    expect(await auth.authorize(ci, del)).toEqual({ result: 'DENY' });
    expect(await auth.authorize(ci, task)).toEqual({ result: 'DENY' });
    // "catalog.location.*" is a prefix with its dot: not "catalog.locationx".
    expect(await auth.authorize(ci, createPermission({ name: 'catalog.locationx.create', attributes: {} }))).toEqual({ result: 'DENY' });
  });

  it('refuses an unknown token with a 401 that does not echo it, whatever its length', async () => {
    const identify = createStaticTokenIdentifier({ tokens });
    const spy = vi.mocked(crypto.timingSafeEqual);
    const candidates = ['x', ciToken.slice(0, -1), `${ciToken}0`, ciToken.toUpperCase(), 'A'.repeat(4000), `${deployToken}${deployToken}`];
    for (const candidate of candidates) {
      spy.mockClear();
      const error = await identify(bearer(candidate)).catch((e: unknown) => e);
      expect(error, candidate).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).not.toContain(candidate);
      // Compared against every configured token, on equal-length digests (no RangeError, no early exit).
      expect(spy).toHaveBeenCalledTimes(tokens.length);
      for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
    }
    spy.mockClear();
    await identify(bearer(ciToken));
    expect(spy).toHaveBeenCalledTimes(tokens.length);
  });

  it('refuses a JWT presented as a static token', async () => {
    const identify = createStaticTokenIdentifier({ tokens });
    await expect(identify(bearer('eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.'))).rejects.toThrow(AuthenticationError);
  });

  it('gives the anonymous principal without credentials, and a 401 for a malformed Bearer value', async () => {
    const identify = createStaticTokenIdentifier({ tokens });
    expect((await identify(new Request('http://portal.test/'))).type).toBe('anonymous');
    for (const value of ['Bearer', 'Bearer two words', `Bearer ${ciToken}\t${ciToken}`]) {
      await expect(identify(new Request('http://portal.test/', { headers: { authorization: value } }))).rejects.toThrow(AuthenticationError);
    }
  });

  it('accepts tokens of 16 characters or more with 5 distinct characters or more (the boundary included)', () => {
    for (const token of ['0123456789abcdef', 'abcdefgh'.repeat(2), crypto.randomBytes(32).toString('base64url'), 'a1b2a1b2c3c3a1b2', 'aaaaaaaaaaaaaaaaabcde']) {
      expect(() => createStaticTokenIdentifier({ tokens: [{ token, subject: 'ci' }] }), token).not.toThrow();
    }
  });

  it('refuses short, weak, duplicated, JWT-shaped and malformed tokens and reserved subjects at creation, without echoing the token', () => {
    const cases: Array<[StaticTokenEntry[], RegExp]> = [
      [[{ token: 'short-token-123', subject: 'ci' }], /tokens\.0\.token must be at least 16 characters/],
      [[{ token: 'a'.repeat(64), subject: 'ci' }], /tokens\.0\.token must hold at least 5 distinct characters/],
      [[{ token: ciToken, subject: 'ci' }, { token: 'abcabcabcabcabcabcab', subject: 'x' }], /tokens\.1\.token must hold at least 5 distinct/],
      [[{ token: 'abcdabcdabcdabcdabcdabcd', subject: 'ci' }], /distinct/],
      [[{ token: ciToken, subject: 'a' }, { token: ciToken, subject: 'b' }], /tokens\.1\.token is given twice/],
      [[{ token: 'aaaaaaaa.bbbbbbbbbb.cccccccc', subject: 'ci' }], /must not look like a JWT/],
      [[{ token: 'has spaces in it, 0123456789', subject: 'ci' }], /must be a bearer token/],
      [[{ token: ciToken, subject: 'host' }], /reserved/],
      [[{ token: ciToken, subject: '' }], /subject/],
      [[{ token: ciToken, subject: 'ci', scopes: [''] }], /scopes/],
    ];
    for (const [entries, message] of cases) {
      let error: unknown;
      try {
        createStaticTokenIdentifier({ tokens: entries });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(entries)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^createStaticTokenIdentifier: /);
      expect((error as Error).message).toMatch(message);
      for (const entry of entries) expect((error as Error).message).not.toContain(entry.token);
    }
  });
});

type StaticTokenEntry = { token: string; subject: string; scopes?: string[] };
