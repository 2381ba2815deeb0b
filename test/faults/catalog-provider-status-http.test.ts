import { type CatalogAuthorize, catalogPlugin, type EntityProvider, entityProviderStatusSchema } from '@portalkit/catalog';
import { AuthenticationError, createPortal, createPortalAuth, type Logger, type PermissionPolicy, type Principal } from '@portalkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const user = (subject: string): Principal => ({ type: 'user', subject, userEntityRef: subject, ownershipEntityRefs: [subject], claims: {} });
const operator = user('user:default/operator');
const reader = user('user:default/reader');

/** The operator may read locations (and so provider statuses); the reader only entities. */
const policy: PermissionPolicy = (principal, permission) => {
  if (principal.subject === operator.subject) return { result: 'ALLOW' };
  return { result: permission.name === 'catalog.entity.read' ? 'ALLOW' : 'DENY' };
};
const auth = createPortalAuth({
  logger: silent,
  identify: (request) => {
    const who = request.headers.get('x-test-user');
    if (who === 'operator') return operator;
    if (who === 'reader') return reader;
    throw new AuthenticationError('unknown caller');
  },
  policy,
});

const providers: EntityProvider[] = [
  { name: 'ldap-org:corp', connect: () => Promise.reject(new Error('ldaps://robot:pa55word@ds.example.net: connect ECONNREFUSED')) },
  {
    name: 'teams',
    connect: (c) =>
      c.applyMutation({ type: 'full', entities: [{ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } }] }),
  },
];
const responseSchema = z.strictObject({ items: z.array(entityProviderStatusSchema.strict()) });

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function startPortal(authorize?: CatalogAuthorize) {
  const plugin = catalogPlugin({ providers, logger: silent, providerRetry: { initialDelayMs: 3_600_000 }, ...(authorize ? { authorize } : {}) });
  const portal = createPortal({ plugins: [plugin], auth, logger: silent });
  await portal.start();
  stop = () => portal.stop();
  return portal;
}

describe('GET /api/catalog/providers', () => {
  it('answers each provider’s status in the documented shape, credentials masked', async () => {
    const portal = await startPortal();
    const response = await portal.request('/api/catalog/providers', { headers: { 'x-test-user': 'operator' } });
    expect(response.status).toBe(200);
    const body = responseSchema.parse(await response.json());
    expect(body.items.map((s) => [s.name, s.state])).toEqual([
      ['ldap-org:corp', 'retrying'],
      ['teams', 'ready'],
    ]);
    expect(body.items[0]!.lastError).toEqual({ name: 'Error', message: 'ldaps://***@ds.example.net: connect ECONNREFUSED' });
    expect(body.items[0]!.nextAttemptAt).not.toBeNull();
    expect(body.items[1]).toMatchObject({ consecutiveFailures: 0, lastError: null, lastErrorAt: null });
  });

  it('needs catalog.location.read (403 without it, 401 for bad credentials) and the authorize hook’s read on providers', async () => {
    const seen: unknown[] = [];
    const portal = await startPortal((_request, action, resource) => {
      seen.push([action, resource]);
      return true;
    });
    const denied = await portal.request('/api/catalog/providers', { headers: { 'x-test-user': 'reader' } });
    expect(denied.status).toBe(403);
    const text = await denied.text();
    expect(text).toContain('NotAllowedError');
    expect(text).not.toContain('ds.example.net');
    expect((await portal.request('/api/catalog/providers', { headers: { 'x-test-user': 'mallory' } })).status).toBe(401);
    expect((await portal.request('/api/catalog/providers', { headers: { 'x-test-user': 'operator' } })).status).toBe(200);
    expect(seen).toContainEqual(['read', { type: 'providers' }]);
  });

  it('answers 403 when the authorize hook refuses, before the catalog is asked', async () => {
    const portal = await startPortal((_request, action, resource) => !(action === 'read' && resource.type === 'providers'));
    const response = await portal.request('/api/catalog/providers', { headers: { 'x-test-user': 'operator' } });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('ldap-org:corp');
    // Other routes still answer.
    expect((await portal.request('/api/catalog/entities', { headers: { 'x-test-user': 'operator' } })).status).toBe(200);
  });

  it('is a read: other methods are not routes', async () => {
    const portal = await startPortal();
    const response = await portal.request('/api/catalog/providers', { method: 'POST', headers: { 'x-test-user': 'operator', 'content-type': 'application/json' }, body: '{}' });
    expect([404, 405]).toContain(response.status);
  });
});
