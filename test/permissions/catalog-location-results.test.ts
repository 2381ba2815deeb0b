import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthenticationError, type Handler, type PermissionPolicy, type Principal, createPortalAuth, requestHandler } from '@portalkit/core';
import { type Catalog, type Entity, createCatalog, memoryStore } from '@portalkit/catalog';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from './catalog-support.js';

/*
 * What a principal learns about a hidden entity through locations: dry runs, analysis, the
 * onConflict=refresh answer, real registrations and their processing errors, and relations of
 * readable entities. The hidden entity is `component:default/vault-x` (labelled `restricted`):
 * its ref and label must never reach mallory, who reads everything else and may register
 * locations, outside what an entity's author wrote in its `spec` (a known limit, see
 * docs/permissions.md); error messages must not name its location (`crown.yaml`) either.
 * Also: `allowedLocationTypes`, and the permissions `updateLocation` needs.
 */

const yaml = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n');
const component = (name: string, extra: { labels?: Record<string, string>; dependsOn?: string[] } = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...(extra.dependsOn ? { dependsOn: extra.dependsOn } : {}) },
});

const user = (subject: string): Principal => ({ type: 'user', subject, userEntityRef: subject, ownershipEntityRefs: [subject], claims: {} });
const mallory = user('user:default/mallory');
const admin = user('user:default/admin');
/** Reads everything; may not create locations (only delete them). */
const deleter = user('user:default/deleter');
/** Reads only what team-a owns. */
const owner: Principal = { ...user('user:default/owner'), ownershipEntityRefs: ['user:default/owner', 'group:default/team-a'] };

const policy: PermissionPolicy = (principal, permission) => {
  if (principal.subject === admin.subject) return { result: 'ALLOW' };
  if (principal.subject === deleter.subject) return { result: permission.name === 'catalog.location.create' ? 'DENY' : 'ALLOW' };
  if (principal.subject === owner.subject && permission.name === 'catalog.entity.read') {
    return createCatalogConditionalDecision(catalogConditions.isEntityOwner({ claims: ['group:default/team-a'] }));
  }
  if (permission.name === 'catalog.entity.read') return createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: 'restricted' }) });
  return { result: 'ALLOW' };
};

/** Nothing in `value` names the hidden entity, its file or its label. */
const expectNoTrace = (value: unknown) => {
  const text = JSON.stringify(value);
  expect(text).not.toMatch(/vault-x|crown\.yaml|restricted/i);
};
/** Entities: nothing outside their authors' `spec` names the hidden entity or its label. */
const expectNoTraceInEntities = (entities: (Entity | null | undefined)[]) => {
  expect(entities.length).toBeGreaterThan(0);
  for (const entity of entities) expect(JSON.stringify(entity ? { ...entity, spec: undefined } : entity)).not.toMatch(/vault-x|restricted/i);
};

let dir: string;

async function setup(options: { allowedLocationTypes?: string[] } = {}) {
  const auth = createPortalAuth({
    logger: silentLogger,
    identify: (request) => {
      const who = request.headers.get('x-test-user');
      const found = [mallory, admin, deleter].find((p) => p.subject === `user:default/${who}`);
      if (!found) throw new AuthenticationError('bad token');
      return found;
    },
    policy,
  });
  const catalog = createCatalog({ store: memoryStore(), rootDir: dir, auth, logger: silentLogger, ...options });
  await catalog.addLocation({ type: 'file', target: './crown.yaml' });
  await catalog.refresh();
  return { catalog, handler: catalog.handler() };
}

const call = (handler: Handler, who: string, method: string, p: string, body?: unknown) =>
  requestHandler(handler, `/api/catalog${p}`, {
    method,
    headers: { 'x-test-user': who, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const names = (entities: Entity[]) => entities.map((e) => e.metadata.name).sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pk-locres-'));
  await writeFile(
    path.join(dir, 'crown.yaml'),
    yaml([component('vault-x', { labels: { restricted: 'true' } }), component('front', { dependsOn: ['component:default/vault-x', 'component:default/back'] }), component('back')]),
  );
  // The probe claims the hidden entity's ref (a conflict) without its label.
  await writeFile(path.join(dir, 'probe.yaml'), yaml([component('vault-x'), component('probe-ok')]));
  await writeFile(
    path.join(dir, 'fresh.yaml'),
    yaml([component('fresh-a', { dependsOn: ['component:default/vault-x', 'component:default/back'] }), component('fresh-b', { labels: { restricted: 'yes' } })]),
  );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('location results show only what the principal may read', () => {
  let catalog: Catalog;
  let handler: Handler;
  beforeEach(async () => {
    ({ catalog, handler } = await setup());
  });

  it('dry runs and analysis list only readable entities, without relations to hidden ones (library)', async () => {
    const view = catalog.forPrincipal(mallory);
    const dry = await view.addLocation({ type: 'file', target: './fresh.yaml' }, { dryRun: true });
    expect(names(dry.entities)).toEqual(['fresh-a', expect.stringMatching(/^generated-/)]);
    expectNoTraceInEntities(dry.entities);
    const analysis = await view.analyzeLocation({ type: 'file', target: './fresh.yaml' });
    expect(analysis.existingEntityFiles.map((f) => f.entity.metadata.name)).toEqual(['fresh-a']);
    expectNoTraceInEntities(analysis.existingEntityFiles.map((f) => f.entity));
    // The host sees everything.
    const hostDry = await catalog.addLocation({ type: 'file', target: './fresh.yaml' }, { dryRun: true });
    expect(names(hostDry.entities)).toContain('fresh-b');
  });

  it('a dry run judges ownership conditions by the relations its entities will have', async () => {
    await writeFile(path.join(dir, 'owned.yaml'), yaml([component('mine'), { ...component('theirs'), spec: { type: 'service', lifecycle: 'production', owner: 'team-b' } }]));
    const dry = await catalog.forPrincipal(owner).addLocation({ type: 'file', target: './owned.yaml' }, { dryRun: true });
    expect(names(dry.entities)).toEqual(['mine']);
  });

  it('a dry run that conflicts with a hidden entity does not name it or its location (library and HTTP)', async () => {
    const view = catalog.forPrincipal(mallory);
    const error = await view.addLocation({ type: 'file', target: './probe.yaml' }, { dryRun: true }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('InputError');
    expect(error?.message).toContain('<hidden entity> from file:');
    expect(error?.message).toContain('is already provided by another source');
    expectNoTrace(error?.message);
    // The host is told everything.
    await expect(catalog.addLocation({ type: 'file', target: './probe.yaml' }, { dryRun: true })).rejects.toThrow(/component:default\/vault-x .*crown\.yaml/);

    for (const p of ['/locations?dryRun=true', '/analyze-location']) {
      const body = p === '/analyze-location' ? { location: { type: 'file', target: './probe.yaml' } } : { type: 'file', target: './probe.yaml' };
      const res = await call(handler, 'mallory', 'POST', p, body);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).toContain('<hidden entity>');
      expectNoTrace(text);
    }
  });

  it('HTTP dry run, analyze-location and onConflict=refresh return only readable entities', async () => {
    const dry = await call(handler, 'mallory', 'POST', '/locations?dryRun=true', { type: 'file', target: './fresh.yaml' });
    expect(dry.status).toBe(201);
    const dryBody = await dry.json();
    expect(dryBody.entities.map((e: Entity) => e.metadata.name)).toEqual(['fresh-a', expect.stringMatching(/^generated-/)].sort());
    expectNoTraceInEntities(dryBody.entities);
    const analyzed = await call(handler, 'mallory', 'POST', '/analyze-location', { location: { type: 'file', target: './fresh.yaml' } });
    expect(analyzed.status).toBe(200);
    const analyzedBody = await analyzed.json();
    expect(analyzedBody.existingEntityFiles.map((f: { entity: Entity }) => f.entity.metadata.name)).toEqual(['fresh-a']);
    expectNoTraceInEntities(analyzedBody.existingEntityFiles.map((f: { entity: Entity }) => f.entity));
    // Re-registering the host's location: the refresh answer lists what it holds, for mallory without vault-x.
    const refreshed = await call(handler, 'mallory', 'POST', '/locations?onConflict=refresh', { type: 'file', target: './crown.yaml' });
    expect(refreshed.status).toBe(201);
    const refreshedBody = await refreshed.json();
    expect(refreshedBody.entities.map((e: Entity) => e.metadata.name)).toEqual(expect.arrayContaining(['front', 'back']));
    expectNoTraceInEntities(refreshedBody.entities);
    const adminView = await (await call(handler, 'admin', 'POST', '/locations?onConflict=refresh', { type: 'file', target: './crown.yaml' })).json();
    expect(adminView.entities.map((e: Entity) => e.metadata.name)).toContain('vault-x');
  });

  it('registering a conflicting location: result and processing errors name no hidden entity for the registrant', async () => {
    const view = catalog.forPrincipal(mallory);
    const result = await view.addLocation({ type: 'file', target: './probe.yaml' });
    expect(names(result.entities)).toContain('probe-ok');
    // The registrant's Location entity carries the conflict in its status: redacted as well.
    expect(JSON.stringify(result.entities)).toContain('<hidden entity>');
    expectNoTrace(result.entities);
    const locationEntity = await view.getEntityByRef(result.location.entityRef!);
    expect(JSON.stringify(locationEntity?.status)).toContain('already provided by another source');
    expectNoTrace(locationEntity);
    const reports = await view.getProcessingErrors();
    const messages = reports.flatMap((r) => r.errors.map((e) => e.message));
    expect(messages.some((m) => m.includes('<hidden entity>') && m.includes('already provided by another source'))).toBe(true);
    expectNoTrace(reports);
    // The host (and admin) see the full message.
    const full = (await catalog.getProcessingErrors()).flatMap((r) => r.errors.map((e) => e.message));
    expect(full.some((m) => m.includes('component:default/vault-x') && m.includes('crown.yaml'))).toBe(true);
    const adminMessages = (await catalog.forPrincipal(admin).getProcessingErrors()).flatMap((r) => r.errors.map((e) => e.message));
    expect(adminMessages).toEqual(full);
  });

  it('relations and relations facets never name the hidden entity (HTTP)', async () => {
    const front = await call(handler, 'mallory', 'GET', '/entities/by-name/component/default/front');
    expect(front.status).toBe(200);
    const entity = await front.json();
    expect(entity.relations.map((r: { targetRef: string }) => r.targetRef)).toEqual(['component:default/back']);
    expectNoTraceInEntities([entity]);
    const facets = await (await call(handler, 'mallory', 'GET', '/entity-facets?facet=relations.dependsOn&facet=relations.dependencyOf')).json();
    expect(JSON.stringify(facets)).toContain('component:default/back');
    expectNoTrace(facets);
    const lists: [string, (body: never) => (Entity | null)[]][] = [
      ['/entities', (body: Entity[]) => body],
      ['/entities/by-query', (body: { items: Entity[] }) => body.items],
      ['/entities/by-name/component/default/back', (body: Entity) => [body]],
      ['/entities/by-name/component/default/front/ancestry', (body: { items: { entity: Entity }[] }) => body.items.map((i) => i.entity)],
    ];
    for (const [p, items] of lists) {
      const res = await call(handler, 'mallory', 'GET', p);
      expect(res.status).toBe(200);
      expectNoTraceInEntities(items((await res.json()) as never));
    }
    const byRefs = await call(handler, 'mallory', 'POST', '/entities/by-refs', { entityRefs: ['component:default/front', 'component:default/back'] });
    expectNoTraceInEntities((await byRefs.json()).items);
    // Filtering on a relation to the hidden entity finds nothing, as for an entity that does not exist.
    const count = async (who: string, target: string) =>
      (await (await call(handler, who, 'GET', `/entities/by-query?filter=relations.dependsOn=${target}`)).json()).totalItems;
    expect(await count('mallory', 'component:default/vault-x')).toBe(0);
    expect(await count('mallory', 'component:default/back')).toBe(1);
    expect(await count('admin', 'component:default/vault-x')).toBe(1);
    const listed = await (await call(handler, 'mallory', 'GET', '/entities?filter=relations.dependsOn=component:default/vault-x')).json();
    expect(listed).toEqual([]);
    // Admin sees the relations the hidden entity is part of.
    const adminFront = await (await call(handler, 'admin', 'GET', '/entities/by-name/component/default/front')).json();
    expect(JSON.stringify(adminFront.relations)).toContain('component:default/vault-x');
    const adminFacets = await (await call(handler, 'admin', 'GET', '/entity-facets?facet=relations.dependsOn')).json();
    expect(JSON.stringify(adminFacets)).toMatch(/vault-x/);
  });
});

describe('allowedLocationTypes', () => {
  it("refuses other types for principals (library and HTTP), never for the host; Backstage's message", async () => {
    const { catalog, handler } = await setup({ allowedLocationTypes: ['url'] });
    const view = catalog.forPrincipal(admin);
    const message = 'Registered locations must be of an allowed type ["url"]';
    await expect(view.addLocation({ type: 'file', target: './fresh.yaml' })).rejects.toMatchObject({ name: 'InputError', message });
    await expect(view.addLocation({ type: 'file', target: './fresh.yaml' }, { dryRun: true })).rejects.toMatchObject({ name: 'InputError', message });
    await expect(view.analyzeLocation({ type: 'file', target: './fresh.yaml' })).rejects.toMatchObject({ name: 'InputError', message });
    const [crown] = await catalog.getLocations();
    await expect(view.updateLocation(crown!.id, { type: 'file', target: './fresh.yaml' })).rejects.toMatchObject({ name: 'InputError', message });
    for (const [method, p, body] of [
      ['POST', '/locations', { type: 'file', target: './fresh.yaml' }],
      ['POST', '/locations?dryRun=true', { type: 'file', target: './fresh.yaml' }],
      ['POST', '/analyze-location', { location: { type: 'file', target: './fresh.yaml' } }],
      ['PUT', `/locations/${crown!.id}`, { type: 'file', target: './fresh.yaml' }],
    ] as const) {
      const res = await call(handler, 'admin', method, p, body);
      expect(res.status, `${method} ${p}`).toBe(400);
      expect((await res.json()).error.message).toBe(message);
    }
    // Nothing was registered or changed; the host may still use file locations.
    expect((await catalog.getLocations()).map((l) => l.target)).toEqual([crown!.target]);
    await expect(catalog.addLocation({ type: 'file', target: './fresh.yaml' })).resolves.toMatchObject({ location: { type: 'file' } });
  });

  it('host code may widen the types of one view it builds, never through HTTP', async () => {
    const { catalog } = await setup({ allowedLocationTypes: ['url'] });
    const widened = catalog.forPrincipal(mallory, { allowedLocationTypes: ['url', 'file'] });
    await expect(widened.addLocation({ type: 'file', target: './fresh.yaml' }, { dryRun: true })).resolves.toBeDefined();
    await expect(catalog.forPrincipal(mallory).addLocation({ type: 'file', target: './fresh.yaml' }, { dryRun: true })).rejects.toMatchObject({
      name: 'InputError',
    });
    expect(() => catalog.forPrincipal(mallory, { allowedLocationTypes: 'file' as unknown as string[] })).toThrow(/allowedLocationTypes/);
  });

  it('defaults to url and file', async () => {
    const { catalog } = await setup();
    await expect(catalog.forPrincipal(admin).addLocation({ type: 'file', target: './fresh.yaml' }, { dryRun: true })).resolves.toBeDefined();
    await expect(catalog.forPrincipal(admin).addLocation({ type: 'ftp', target: 'x' }, { dryRun: true })).rejects.toMatchObject({
      message: 'Registered locations must be of an allowed type ["url","file"]',
    });
  });

  it('rejects a malformed option', () => {
    expect(() => createCatalog({ allowedLocationTypes: 'url' as unknown as string[] })).toThrow(/allowedLocationTypes/);
  });
});

describe('updateLocation', () => {
  it('needs catalog.location.create and catalog.entity.create besides catalog.location.delete (library and HTTP)', async () => {
    const { catalog, handler } = await setup();
    const [crown] = await catalog.getLocations();
    await expect(catalog.forPrincipal(deleter).updateLocation(crown!.id, { type: 'file', target: './fresh.yaml' })).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('catalog.location.create'),
    });
    const res = await call(handler, 'deleter', 'PUT', `/locations/${crown!.id}`, { type: 'file', target: './fresh.yaml' });
    expect(res.status).toBe(403);
    expect((await catalog.getLocations())[0]!.target).toBe(crown!.target);
    expect(await catalog.getEntityByRef('component:default/fresh-a')).toBeUndefined();
    // With every permission it works.
    const moved = await call(handler, 'admin', 'PUT', `/locations/${crown!.id}`, { type: 'file', target: './fresh.yaml' });
    expect(moved.status).toBe(200);
    expect(await catalog.getEntityByRef('component:default/fresh-a')).toBeDefined();
  });
});
