import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { AuthenticationError, type PermissionPolicy, type Principal, createPortalAuth, requestHandler } from '@portalkit/core';
import { type CatalogStore, createCatalog, memoryStore, postgresStore } from '@portalkit/catalog';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../permissions/catalog-support.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../support/postgres.js';

/*
 * The relation-graph query through the library, `forPrincipal` and `POST /entities/graph`, over
 * a catalog read from files: a system with parts, owners, a dependency cycle, and one entity
 * (`vault`, labelled restricted) mallory may not read. The store walks are covered by the store
 * contract; here: what callers see, permissions, paging and bad input.
 */

const entity = (kind: string, name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, ...(labels ? { labels } : {}) },
  spec,
});
const docs = [
  entity('System', 'shop', { owner: 'team-a' }),
  entity('Group', 'team-a', { type: 'team', children: [] }),
  entity('Component', 'web', { type: 'website', lifecycle: 'production', owner: 'team-a', system: 'shop', dependsOn: ['component:api-gw'] }),
  entity('Component', 'api-gw', { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'shop', dependsOn: ['component:vault', 'component:web'] }),
  // Only reachable through vault: mallory must not see it.
  entity('Component', 'vault', { type: 'service', lifecycle: 'production', owner: 'team-a', dependsOn: ['component:ledger'] }, { restricted: 'yes' }),
  entity('Component', 'ledger', { type: 'service', lifecycle: 'production', owner: 'team-a' }),
  entity('Component', 'self', { type: 'service', lifecycle: 'production', owner: 'team-a', dependsOn: ['component:self'] }),
];

const user = (subject: string): Principal => ({ type: 'user', subject, userEntityRef: subject, ownershipEntityRefs: [subject], claims: {} });
const mallory = user('user:default/mallory');
const policy: PermissionPolicy = (principal, permission) => {
  if (principal.subject === mallory.subject && permission.name === 'catalog.entity.read') {
    return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
  }
  return { result: 'ALLOW' };
};

const skip = await postgresSkipReason();
let dir: string;
let pool: pg.Pool | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'graph-'));
  await writeFile(path.join(dir, 'all.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  if (!skip) pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await pool?.end();
});

const stores: [string, () => Promise<{ store: CatalogStore; close: () => Promise<void> }>][] = [
  ['memory', async () => ({ store: memoryStore(), close: async () => {} })],
];
if (!skip) {
  stores.push([
    'postgres',
    async () => {
      const schema = randomSchema();
      const store = postgresStore({ pool: pool!, schema });
      return { store, close: async () => { await store.close(); await dropSchema(schema); } };
    },
  ]);
}

describe.each(stores)('catalog.queryGraph on %s', (_name, create) => {
  let close: () => Promise<void>;
  let catalog: ReturnType<typeof createCatalog>;
  beforeAll(async () => {
    const created = await create();
    close = created.close;
    const auth = createPortalAuth({
      logger: silentLogger,
      policy,
      identify: (request) => {
        const who = request.headers.get('x-test-user');
        if (who === 'mallory') return mallory;
        if (who === 'admin') return user('user:default/admin');
        throw new AuthenticationError('bad token');
      },
    });
    catalog = createCatalog({ store: created.store, rootDir: dir, auth, logger: silentLogger, locations: [{ type: 'file', target: './all.yaml' }] });
    await catalog.refresh();
  });
  afterAll(async () => close());

  const refs = (r: { nodes: { entityRef: string; depth: number }[] }) => r.nodes.map((n) => `${n.entityRef}@${n.depth}`);

  it('walks two hops from a system, with entities and edges (the dependency cycle ends)', async () => {
    const r = await catalog.queryGraph({ rootEntityRefs: ['system:default/shop'], relations: ['hasPart', 'dependsOn'], maxDepth: 2 });
    expect(refs(r)).toEqual([
      'system:default/shop@0',
      'component:default/api-gw@1',
      'component:default/web@1',
      'component:default/vault@2',
    ]);
    expect(r.edges).toEqual([
      { sourceEntityRef: 'component:default/api-gw', type: 'dependsOn', targetEntityRef: 'component:default/vault' },
      { sourceEntityRef: 'component:default/api-gw', type: 'dependsOn', targetEntityRef: 'component:default/web' },
      { sourceEntityRef: 'component:default/web', type: 'dependsOn', targetEntityRef: 'component:default/api-gw' },
      { sourceEntityRef: 'system:default/shop', type: 'hasPart', targetEntityRef: 'component:default/api-gw' },
      { sourceEntityRef: 'system:default/shop', type: 'hasPart', targetEntityRef: 'component:default/web' },
    ]);
    expect(r.nodes[1]!.entity.metadata.name).toBe('api-gw');
    expect(r).toMatchObject({ totalNodes: 4, truncated: false, pageInfo: {} });
  });

  it('filters the entities reached with the catalog filter syntax, and walks only through matches', async () => {
    const r = await catalog.queryGraph({
      rootEntityRefs: ['system:default/shop'],
      relations: ['hasPart', 'dependsOn'],
      maxDepth: 3,
      filter: { 'spec.type': 'service' },
    });
    // web (a website) is not reached; api-gw, vault, then ledger through vault are.
    expect(refs(r)).toEqual(['system:default/shop@0', 'component:default/api-gw@1', 'component:default/vault@2', 'component:default/ledger@3']);
    const byPredicate = await catalog.queryGraph({ rootEntityRefs: ['system:default/shop'], relations: ['HASPART'], query: { 'spec.type': { $in: ['website'] } } });
    expect(refs(byPredicate)).toEqual(['system:default/shop@0', 'component:default/web@1']);
    expect(byPredicate.edges[0]!.type).toBe('hasPart');
  });

  it('does not show or walk through entities the principal may not read (library and HTTP)', async () => {
    const request = { rootEntityRefs: ['system:default/shop', 'component:default/vault'], relations: ['hasPart', 'dependsOn'], maxDepth: 5 };
    const view = catalog.forPrincipal(mallory);
    const r = await view.queryGraph(request);
    expect(refs(r)).toEqual(['system:default/shop@0', 'component:default/api-gw@1', 'component:default/web@1']);
    // Outside what authors wrote in `spec` (a known limit, docs/permissions.md), nothing names them.
    expect(JSON.stringify({ ...r, nodes: r.nodes.map((n) => ({ ...n, entity: { ...n.entity, spec: undefined } })) })).not.toMatch(/vault|ledger/);
    const res = await requestHandler(catalog.handler(), '/api/catalog/entities/graph', {
      method: 'POST',
      headers: { 'x-test-user': 'mallory', 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(r)));
    const admin = await requestHandler(catalog.handler(), '/api/catalog/entities/graph', {
      method: 'POST',
      headers: { 'x-test-user': 'admin', 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(((await admin.json()) as { totalNodes: number }).totalNodes).toBe(5);
    const anonymous = await requestHandler(catalog.handler(), '/api/catalog/entities/graph', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    expect(anonymous.status).toBe(401);
  });

  it('pages nodes with a cursor; each edge comes with the page of its source', async () => {
    const request = { rootEntityRefs: ['system:default/shop'], relations: ['hasPart', 'dependsOn'], maxDepth: 3, limit: 2 };
    const seen: string[] = [];
    let edges = 0;
    let page = await catalog.queryGraph(request);
    for (;;) {
      seen.push(...refs(page));
      edges += page.edges.length;
      if (!page.pageInfo.nextCursor) break;
      page = await catalog.queryGraph({ cursor: page.pageInfo.nextCursor, limit: 2, fields: ['kind', 'metadata.name'] });
      expect(Object.keys(page.nodes[0]!.entity).sort()).toEqual(['kind', 'metadata']);
    }
    expect(seen).toEqual(refs(await catalog.queryGraph({ ...request, limit: 100 })));
    expect(edges).toBe((await catalog.queryGraph({ ...request, limit: 100 })).edges.length);
    await expect(catalog.queryGraph({ cursor: page.pageInfo.nextCursor ?? 'x', maxDepth: 9 })).rejects.toMatchObject({ name: 'InputError' });
    await expect(catalog.queryGraph({ cursor: 'bm90IGpzb24' })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('keeps a self-relation as one node and one edge', async () => {
    const r = await catalog.queryGraph({ rootEntityRefs: ['component:default/self'], relations: ['dependsOn'], maxDepth: 10, direction: 'both' });
    expect(refs(r)).toEqual(['component:default/self@0']);
    expect(r.edges).toEqual([{ sourceEntityRef: 'component:default/self', type: 'dependsOn', targetEntityRef: 'component:default/self' }]);
  });

  it('answers bad input with 400: depth above the maximum, 10k roots, malformed types, unknown fields', async () => {
    const post = (body: unknown) =>
      requestHandler(catalog.handler(), '/api/catalog/entities/graph', {
        method: 'POST',
        headers: { 'x-test-user': 'admin', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const roots = ['system:default/shop'];
    for (const body of [
      { rootEntityRefs: roots, maxDepth: 11 },
      { rootEntityRefs: Array.from({ length: 10_000 }, (_, i) => `component:default/c${i}`) },
      { rootEntityRefs: roots, relations: ['owned by'] },
      { rootEntityRefs: roots, relations: [] },
      { rootEntityRefs: roots, maxNodes: 1e9 },
      { rootEntityRefs: roots, direction: 'sideways' },
      { rootEntityRefs: roots, nope: 1 },
      { rootEntityRefs: roots, filter: { kind: 5 } },
      { relations: ['dependsOn'] },
      [],
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { name: string } }).error.name).toBe('InputError');
    }
    // A well-formed type no entity uses (a custom processor's) finds nothing; unknown and malformed roots are skipped.
    const res = await post({ rootEntityRefs: [...roots, 'component:default/missing', 'not a ref'], relations: ['acme.io/deployedTo'] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { nodes: { entityRef: string }[] }).nodes.map((n) => n.entityRef)).toEqual(roots);
  });
});
