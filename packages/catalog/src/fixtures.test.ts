import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCatalog } from './create-catalog.js';
import { builtinKinds } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';

const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));
// The fixture repository is the host's own catalog: it may contribute every built-in kind
// (locations registered with addLocation otherwise get Backstage's Component/API/Location).
const trustFixtures = [{ allow: builtinKinds.map((k) => k.kind) }];

const graph = (entities: Entity[]) =>
  Object.fromEntries(
    entities
      .filter((e) => e.kind !== 'Location')
      .map((e) => [
        `${e.kind.toLowerCase()}:${e.metadata.name}`,
        (e.relations ?? []).map((r) => `${r.type} ${r.targetRef}`),
      ]),
  );

describe('fixture catalog', () => {
  it('ingests every fixture with zero errors and the expected relation graph', async () => {
    const catalog = createCatalog({ rootDir: fixtures, rules: trustFixtures });
    await catalog.addLocation({ type: 'file', target: './all.yaml' });
    expect(await catalog.getProcessingErrors()).toEqual([]);
    const { items } = await catalog.getEntities({ order: [{ field: 'kind', order: 'asc' }, { field: 'metadata.name', order: 'asc' }] });
    expect(items.filter((e) => e.status)).toEqual([]);
    const kinds = await catalog.getEntityFacets({ facets: ['kind'] });
    expect(kinds.facets.kind).toEqual([
      { value: 'Component', count: 7 },
      { value: 'Group', count: 5 },
      { value: 'API', count: 3 },
      { value: 'Location', count: 3 },
      { value: 'Resource', count: 3 },
      { value: 'System', count: 3 },
      { value: 'User', count: 3 },
      { value: 'Domain', count: 2 },
      { value: 'Template', count: 1 },
    ]);
    const g = graph(items);
    expect(g['component:payments-api']).toEqual([
      'consumesApi api:default/auth',
      'dependsOn component:default/ledger',
      'dependsOn resource:default/payments-db',
      'ownedBy group:default/team-payments',
      'partOf system:default/checkout',
      'providesApi api:default/payments',
    ]);
    expect(g['group:team-payments']).toEqual([
      'childOf group:default/engineering',
      'hasMember user:default/alice',
      'ownerOf api:default/ledger-events',
      'ownerOf api:default/payments',
      'ownerOf component:default/checkout-web',
      'ownerOf component:default/ledger',
      'ownerOf component:default/ledger-reconciler',
      'ownerOf component:default/payments-api',
      'ownerOf domain:default/payments',
      'ownerOf resource:default/payments-db',
      'ownerOf system:default/checkout',
    ]);
    expect(g['system:checkout']).toEqual([
      'hasPart api:default/ledger-events',
      'hasPart api:default/payments',
      'hasPart component:default/checkout-web',
      'hasPart component:default/ledger',
      'hasPart component:default/payments-api',
      'hasPart resource:default/payments-db',
      'ownedBy group:default/team-payments',
      'partOf domain:default/payments',
    ]);
    expect(g['domain:platform']).toEqual([
      'hasPart system:default/identity',
      'hasPart system:default/observability',
      'ownedBy group:default/team-platform',
    ]);
    expect(g['group:engineering']).toEqual([
      'childOf group:default/acme',
      'parentOf group:default/team-identity',
      'parentOf group:default/team-payments',
      'parentOf group:default/team-platform',
    ]);
    expect(g['user:bob']).toEqual(['memberOf group:default/team-identity', 'ownerOf component:default/notifications']);
    expect(g['resource:event-bus']).toEqual([
      'dependencyOf component:default/ledger',
      'dependencyOf component:default/notifications',
      'ownedBy group:default/team-platform',
      'partOf system:default/observability',
    ]);
    expect(g['component:ledger']).toContain('dependsOn resource:default/event-bus');
    expect(g['component:ledger-reconciler']).toEqual(['ownedBy group:default/team-payments', 'partOf component:default/ledger']);
    expect(g['template:node-service']).toEqual(['ownedBy group:default/team-platform']);
    expect(g['api:auth']).toEqual([
      'apiConsumedBy component:default/checkout-web',
      'apiConsumedBy component:default/payments-api',
      'apiProvidedBy component:default/auth-service',
      'ownedBy group:default/team-identity',
      'partOf system:default/identity',
    ]);
  });

  it('resolves $text placeholders relative to the entity file', async () => {
    const catalog = createCatalog({ rootDir: fixtures, rules: trustFixtures });
    await catalog.addLocation({ type: 'file', target: './all.yaml' });
    const payments = await catalog.getEntityByRef('api:default/payments');
    expect(payments?.spec?.definition).toMatch(/^openapi: 3\.0\.3\ninfo:\n  title: Payments/);
    const auth = await catalog.getEntityByRef('api:auth');
    expect(auth?.spec?.definition).toContain('title: Auth');
  });

  it('annotates entities with the file they came from and the registered origin', async () => {
    const catalog = createCatalog({ rootDir: fixtures, rules: trustFixtures });
    const { location } = await catalog.addLocation({ type: 'file', target: './all.yaml' });
    const alice = await catalog.getEntityByRef('user:default/alice');
    expect(alice?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `file:${fixtures}/org/users.yaml`,
      'backstage.io/managed-by-origin-location': `file:${fixtures}/all.yaml`,
    });
    expect(await catalog.getLocationByEntity('user:default/alice')).toEqual(location);
  });

  it('gives the same entities whatever the concurrency', async () => {
    const run = async (concurrency: number) => {
      const catalog = createCatalog({ rootDir: fixtures, rules: trustFixtures, concurrency });
      await catalog.addLocation({ type: 'file', target: './all.yaml' });
      await catalog.addLocation({ type: 'file', target: './broken/*.yaml' });
      return (await catalog.getEntities({ order: { field: 'metadata.name', order: 'asc' } })).items;
    };
    expect(await run(1)).toEqual(await run(32));
  });
});

describe('broken fixtures', () => {
  it('reports precise errors and keeps the valid neighbours', async () => {
    const catalog = createCatalog({ rootDir: fixtures, rules: trustFixtures });
    const { location } = await catalog.addLocation({ type: 'file', target: './broken/*.yaml' });
    const reports = await catalog.getProcessingErrors();
    const byRef = Object.fromEntries(reports.map((r) => [r.entityRef, r]));
    const flat = reports.flatMap((r) => r.errors.map((e) => ({ ref: r.entityRef, ...e })));
    const find = (file: string, rule: string) => flat.find((e) => e.file === file && e.rule === rule);

    expect(find('broken/missing-owner.yaml', 'required')).toMatchObject({
      ref: 'component:default/no-owner',
      line: 5,
      path: 'spec.owner',
    });
    expect(find('broken/bad-name.yaml', 'name-format')).toMatchObject({ line: 4, path: 'metadata.name' });
    expect(find('broken/syntax.yaml', 'yaml-syntax')).toMatchObject({ name: 'InputError', ref: location.entityRef });
    expect(find('broken/syntax.yaml', 'yaml-syntax')?.line).toBeGreaterThanOrEqual(7);
    expect(find('broken/not-object.yaml', 'type')).toMatchObject({ line: 9, ref: location.entityRef });
    expect(find('broken/bad-ref.yaml', 'relation')).toMatchObject({
      ref: 'component:default/bad-dependency',
      path: 'spec.dependsOn[0]',
      line: 9,
    });
    expect(find('broken/escape.yaml', 'placeholder')).toMatchObject({
      name: 'NotAllowedError',
      path: 'spec.definition',
      line: 9,
    });
    expect(find('broken/missing-placeholder.yaml', 'placeholder')).toMatchObject({ name: 'NotFoundError', line: 9 });
    expect(find('broken/dup-b.yaml', 'conflict')).toMatchObject({ name: 'ConflictError', ref: location.entityRef });
    expect(byRef['component:default/no-owner']?.served).toBe(false);

    // Neighbours of broken documents are served; the first claimant of a duplicate keeps it.
    expect(await catalog.getEntityByRef('component:default/fine-neighbour')).toBeDefined();
    expect(await catalog.getEntityByRef('group:default/fine-group')).toBeDefined();
    expect((await catalog.getEntityByRef('component:default/duplicated'))?.metadata.description).toBe('first copy');
    expect(await catalog.getEntityByRef('component:default/no-owner')).toBeUndefined();
    // The cycle of Location files terminates and both are served.
    expect(await catalog.getEntityByRef('location:default/cycle-a')).toBeDefined();
    expect(await catalog.getEntityByRef('location:default/cycle-b')).toBeDefined();
    // Reading errors show on the location entity as Backstage status items.
    const root = await catalog.getEntityByRef(location.entityRef);
    expect(root?.status?.items?.[0]).toMatchObject({
      type: 'backstage.io/catalog-processing',
      level: 'error',
      error: { name: expect.any(String), message: expect.any(String) },
    });
  });
});
