import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  anonymousPrincipal,
  createLogger,
  createPortalAuth,
  memorySink,
  type AuditEvent,
  type Principal,
} from '@portalkit/core';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import { createTechDocs, memoryPublisher, techdocsEntitySyncPermission, type TechDocs, type TechDocsEntity } from '../index.js';
import { copyFixture, removeAll } from '../test-utils.js';
import type { DocsEntityName } from '../types.js';

// Docs are readable exactly when their entity is; an entity the principal may not read looks
// like one that does not exist, on every route (files, metadata, entity metadata, sync).
const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

const jane: Principal = { type: 'user', subject: 'user:default/jane', ownershipEntityRefs: ['group:default/team-a'], claims: {} };
const entities = new Map<string, TechDocsEntity>();
const getEntity = (name: DocsEntityName) => entities.get(`${name.kind}:${name.namespace}/${name.name}`);
const audit: AuditEvent[] = [];
let techdocs: TechDocs;
let syncAllowed = true;

beforeAll(async () => {
  const root = await copyFixture('site');
  cleanup.push(root);
  const docsEntity = (name: string, labels?: Record<string, string>): TechDocsEntity =>
    ({
      kind: 'Component',
      metadata: {
        name,
        ...(labels ? { labels } : {}),
        annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/managed-by-location': `file:${path.join(root, 'catalog-info.yaml')}` },
      },
      spec: { owner: 'team-a' },
    }) as TechDocsEntity;
  entities.set('component:default/open', docsEntity('open'));
  entities.set('component:default/secret', docsEntity('secret', { restricted: 'yes' }));
  const auth = createPortalAuth({
    // `Bearer jane` is jane, `Bearer <anything else>` is a bad credential, no header anonymous.
    identify: (request) => {
      const header = request.headers.get('authorization');
      if (!header) return anonymousPrincipal();
      if (header === 'Bearer jane') return jane;
      throw new AuthenticationError('bad token');
    },
    policy: (principal, permission) => {
      if (permission.name === techdocsEntitySyncPermission.name) return { result: syncAllowed ? 'ALLOW' : 'DENY' };
      if (principal.type === 'service') return { result: 'ALLOW' };
      return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
    },
    audit: (event) => void audit.push(event),
    logger: createLogger({ sink: memorySink() }),
  });
  techdocs = createTechDocs({ publisher: memoryPublisher(), getEntity, root, auth, logger: createLogger({ sink: memorySink() }) });
  // The host builds both sites (audited as the host).
  await techdocs.build(entities.get('component:default/open')!);
  await techdocs.build(entities.get('component:default/secret')!);
  expect(audit.map((e) => [e.action, e.actor.subject, e.outcome])).toEqual([
    ['techdocs.build', 'host', 'success'],
    ['techdocs.build', 'host', 'success'],
  ]);
});

const as = (token?: string) => (token ? { headers: { authorization: `Bearer ${token}` } } : {});
const routes = (name: string) => [
  `/static/docs/default/component/${name}/index.html`,
  `/static/docs/default/component/${name}/`,
  `/static/docs/default/component/${name}/images/logo.png`,
  `/metadata/techdocs/default/component/${name}`,
  `/metadata/entity/default/component/${name}`,
  `/sync/default/component/${name}`,
];

describe('TechDocs routes under a policy', () => {
  it('serve a readable entity’s docs', async () => {
    syncAllowed = true;
    for (const route of routes('open')) {
      const response = await techdocs.request(route, as('jane'));
      expect(response.status, route).toBe(200);
      // Read to the end: a sync stream ends (and is audited) when its build does.
      await response.arrayBuffer();
    }
  });

  it('answer a restricted entity’s docs exactly as a missing entity’s: 404, same body', async () => {
    for (const [hidden, ghost] of routes('secret').map((r, i) => [r, routes('ghost')[i]!] as const)) {
      const denied = await techdocs.request(hidden, as('jane'));
      const missing = await techdocs.request(ghost, as('jane'));
      expect(denied.status, hidden).toBe(404);
      expect(missing.status, ghost).toBe(404);
      const body = (r: Response) => r.json().then((b: { error: { name: string; message: string } }) => [b.error.name, b.error.message.replace(/secret|ghost/g, 'X')]);
      expect(await body(denied), hidden).toEqual(await body(missing));
    }
    // The anonymous principal is held to the same policy.
    expect((await techdocs.request('/static/docs/default/component/secret/index.html')).status).toBe(404);
  });

  it('lets the principal check readability without a request', async () => {
    const docs = techdocs.forPrincipal(jane);
    expect(await docs.canRead({ namespace: 'default', kind: 'component', name: 'open' })).toBe(true);
    expect(await docs.canRead({ namespace: 'default', kind: 'component', name: 'secret' })).toBe(false);
    await expect(docs.publisher.readFile({ namespace: 'default', kind: 'component', name: 'secret' }, 'index.html')).rejects.toThrow(
      /no docs/,
    );
  });

  it('refuse bad credentials with 401 on every route', async () => {
    for (const route of routes('open')) expect((await techdocs.request(route, as('forged'))).status, route).toBe(401);
  });

  it('refuse and audit a sync the policy denies (403), and audit the allowed one with its principal', async () => {
    audit.length = 0;
    syncAllowed = false;
    const refused = await techdocs.request('/sync/default/component/open', as('jane'));
    expect(refused.status).toBe(403);
    syncAllowed = true;
    const synced = await techdocs.request('/sync/default/component/open', as('jane'));
    expect(synced.status).toBe(200);
    expect(await synced.text()).toContain('event: finish');
    expect(audit.map((e) => [e.action, e.actor.subject, e.target, e.outcome])).toEqual([
      ['techdocs.sync', 'user:default/jane', 'component:default/open', 'denied'],
      ['techdocs.sync', 'user:default/jane', 'component:default/open', 'success'],
    ]);
    expect(audit[1]!.meta).toEqual({ updated: false });
  });

  it('audit the id of the request a sync or build answers, over HTTP and through forPrincipal', async () => {
    audit.length = 0;
    syncAllowed = false;
    const headers = (id: string) => ({ headers: { authorization: 'Bearer jane', 'x-request-id': id } });
    expect((await techdocs.request('/sync/default/component/open', headers('req-sync-denied'))).status).toBe(403);
    syncAllowed = true;
    const synced = await techdocs.request('/sync/default/component/open', headers('req-sync-ok'));
    await synced.text();
    const request = new Request('http://portal.test/', { headers: { 'x-request-id': 'req-build-1' } });
    await techdocs.forPrincipal(jane, { request }).build(entities.get('component:default/open')!);
    expect(audit.map((e) => [e.action, e.outcome, e.requestId])).toEqual([
      ['techdocs.sync', 'denied', 'req-sync-denied'],
      ['techdocs.sync', 'success', 'req-sync-ok'],
      ['techdocs.build', 'success', 'req-build-1'],
    ]);
  });
});
