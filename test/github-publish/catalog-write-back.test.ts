import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AuditEvent, type PermissionPolicy, type Principal, createLogger, createPortalAuth, requestHandler } from '@portalkit/core';
import { type Catalog, type EntityProvider, createCatalog } from '@portalkit/catalog';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import type { ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createScaffolder, parseTemplate } from '@portalkit/scaffolder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PublishRoutes } from '../support/contract/github/publish-routes.js';
import type { GithubContractServer } from '../support/contract/github/server.js';
import { startPublishGithub } from './setup.js';

// Write-back (catalog.updateEntity, PATCH /entities/by-name/...) against the GitHub contract
// server: real git over HTTP, pull requests through the API checked against GitHub's description.

const SOURCE = `# The shop's entities. Keep this comment.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  description: The shop # trailing comment
spec:
  type: service
  lifecycle: production
  owner: team-a # who is paged
---
# Second document, untouched by a change of the first.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: cart }
spec: { type: service, lifecycle: production, owner: team-a }
`;

const user = (subject: string): Principal => ({ type: 'user', subject, userEntityRef: subject, ownershipEntityRefs: [subject, 'group:default/team-a'], claims: {} });
const jane = user('user:default/jane');
const mallory = { ...user('user:default/mallory'), ownershipEntityRefs: ['user:default/mallory'] };
// Owners may update their entities; everyone may read.
const policy: PermissionPolicy = (principal, permission) => {
  if (permission.name === 'catalog.entity.update') return createCatalogConditionalDecision(catalogConditions.isEntityOwner({ claims: [...principal.ownershipEntityRefs] }));
  return { result: 'ALLOW' };
};

let server: GithubContractServer;
let routes: PublishRoutes;
let integrations: ScmIntegrations;
let catalog: Catalog;
let events: AuditEvent[];
let dir: string;
const providerConnection: { apply?: (entities: unknown[]) => Promise<void> } = {};

beforeAll(async () => {
  ({ server, routes, integrations } = await startPublishGithub());
  await server.addRepo('acme', 'shop', { 'catalog-info.yaml': SOURCE, 'entities.json': JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'json-thing' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } }) });
  dir = await mkdtemp(path.join(tmpdir(), 'pk-write-back-'));
  await writeFile(path.join(dir, 'local.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: local }\nspec: { type: service, lifecycle: production, owner: team-a }\n');
  const provider: EntityProvider = {
    name: 'inventory',
    async connect(connection) {
      providerConnection.apply = (entities) => connection.applyMutation({ type: 'full', entities: entities.map((entity) => ({ entity })) } as never);
    },
  };
  events = [];
  const owners = (request: Request) => (request.headers.get('x-user') === 'mallory' ? mallory : jane);
  catalog = createCatalog({
    rootDir: dir,
    integrations,
    providers: [provider],
    locations: [
      { type: 'url', target: `${server.baseUrl}/acme/shop/blob/main/catalog-info.yaml` },
      { type: 'url', target: `${server.baseUrl}/acme/shop/blob/main/entities.json` },
      { type: 'file', target: './local.yaml' },
    ],
    auth: createPortalAuth({ identify: owners, policy, audit: (event) => void events.push(event), logger: createLogger({ level: 'error' }) }),
    logger: createLogger({ level: 'error' }),
    writeBackAuthor: { name: 'Portal', email: 'portal@example.com' },
  });
  await catalog.refresh();
  await providerConnection.apply!([{ apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'db' }, spec: { type: 'database', owner: 'team-a' } }]);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  events.length = 0;
  server.violations.length = 0;
});

const branches = async () => (await server.git.git('acme/shop', ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'])).split('\n').filter(Boolean).sort();

describe('write-back through the entity source', () => {
  it('opens a pull request that edits the YAML document in place, keeping comments and the other document', async () => {
    const result = await catalog.forPrincipal(jane).updateEntity('component:default/shop', { patch: { spec: { owner: 'group:default/payments' } }, title: 'Payments owns the shop' });
    expect(result.method).toBe('pull-request');
    if (result.method !== 'pull-request') return;
    const pull = routes.pulls.find((p) => p.head === result.branch)!;
    expect(pull).toMatchObject({ title: 'Payments owns the shop', base: 'main' });
    expect(result.url).toBe(`${server.baseUrl}/acme/shop/pull/${pull.number}`);
    expect(pull.body).toContain('Requested by user:default/jane');
    const edited = await server.git.git('acme/shop', ['show', `${result.branch}:catalog-info.yaml`]);
    expect(`${edited}\n`).toBe(SOURCE.replace('owner: team-a # who is paged', 'owner: group:default/payments # who is paged'));
    expect(await server.git.git('acme/shop', ['log', '-1', '--format=%an <%ae> %s', result.branch])).toBe('Portal <portal@example.com> Payments owns the shop');
    // The catalog itself is unchanged until the pull request is merged and read again.
    expect((await catalog.getEntityByRef('component:default/shop'))?.spec?.['owner']).toBe('team-a');
    expect(events).toEqual([
      expect.objectContaining({
        action: 'catalog.entity.update',
        target: 'component:default/shop',
        outcome: 'success',
        actor: { type: 'user', subject: 'user:default/jane' },
        meta: { method: 'pull-request', fields: ['spec.owner'], pullRequest: result.url },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain('group:default/payments');
    expect(server.violations).toEqual([]);
  });

  it('changes a provider-owned entity directly', async () => {
    expect(await catalog.updateEntity('resource:default/db', { patch: { spec: { owner: 'group:default/dba' }, metadata: { description: 'Main database' } } })).toEqual({ method: 'direct' });
    const db = await catalog.getEntityByRef('resource:default/db');
    expect(db?.spec?.['owner']).toBe('group:default/dba');
    expect(db?.metadata.description).toBe('Main database');
    expect(db?.relations?.map((r) => `${r.type} ${r.targetRef}`)).toContain('ownedBy group:default/dba');
  });

  it('refuses an unauthorised write-back: nothing is pushed, the refusal is audited', async () => {
    const before = await branches();
    await expect(catalog.forPrincipal(mallory).updateEntity('component:default/shop', { patch: { spec: { owner: 'user:default/mallory' } } })).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(await branches()).toEqual(before);
    expect(events).toEqual([expect.objectContaining({ action: 'catalog.entity.update', target: 'component:default/shop', outcome: 'denied' })]);
  });

  it('refuses an unknown entity, a patch that makes the entity invalid, and identity changes, before any pull request', async () => {
    const before = await branches();
    const pulls = routes.pulls.length;
    await expect(catalog.updateEntity('component:default/nope', { patch: { spec: { owner: 'x' } } })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(catalog.updateEntity('component:default/shop', { patch: { spec: { owner: null } } })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/makes component:default\/shop invalid: .*spec.owner is required/) });
    await expect(catalog.updateEntity('component:default/shop', { patch: { spec: { owner: 'not a ref!:/x' } } })).rejects.toMatchObject({ name: 'InputError' });
    await expect(catalog.updateEntity('component:default/shop', { patch: { metadata: { name: 'renamed' } } })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('metadata.name cannot be changed') });
    await expect(catalog.updateEntity('component:default/shop', { patch: { status: {} } } as never)).rejects.toMatchObject({ name: 'InputError' });
    expect(await branches()).toEqual(before);
    expect(routes.pulls.length).toBe(pulls);
  });

  it('refuses sources it cannot write back to: a non-YAML file, a file location', async () => {
    await expect(catalog.updateEntity('component:default/json-thing', { patch: { spec: { owner: 'team-b' } } })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('not a YAML file') });
    await expect(catalog.updateEntity('component:default/local', { patch: { spec: { owner: 'team-b' } } })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('a file location') });
  });

  it('PATCH /entities/by-name/... answers 202 with the pull request, 403 without permission, 415 or 400 on a body that is not JSON', async () => {
    const handler = catalog.handler();
    const patch = (who: string, body: string, type = 'application/json') =>
      requestHandler(handler, '/api/catalog/entities/by-name/component/default/cart', { method: 'PATCH', headers: { 'content-type': type, 'x-user': who }, body });
    const ok = await patch('jane', JSON.stringify({ patch: { spec: { lifecycle: 'deprecated' } } }));
    expect(ok.status).toBe(202);
    const result = (await ok.json()) as { method: string; branch: string };
    expect(result.method).toBe('pull-request');
    const edited = await server.git.git('acme/shop', ['show', `${result.branch}:catalog-info.yaml`]);
    expect(`${edited}\n`).toBe(SOURCE.replace('spec: { type: service, lifecycle: production, owner: team-a }\n', 'spec: { type: service, lifecycle: deprecated, owner: team-a }\n'));
    expect((await patch('mallory', JSON.stringify({ patch: { spec: { lifecycle: 'x' } } }))).status).toBe(403);
    expect([400, 415]).toContain((await patch('jane', JSON.stringify({ patch: { spec: { lifecycle: 'x' } } }), 'text/plain')).status);
    expect((await patch('jane', '{"patch": {"spec": 3}}')).status).toBe(400);
    expect((await patch('jane', '{not json')).status).toBe(400);
  });

  it('catalog:entity:update in a template opens the pull request, and fails the step on a patch that makes the entity invalid', async () => {
    const scaffolder = createScaffolder({ actions: builtinActions({ catalog, integrations }), workingDirectory: path.join(dir, 'work'), logger: createLogger({ level: 'error' }) });
    const run = async (owner: unknown) =>
      (await scaffolder.run(
        parseTemplate({
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'change-owner' },
          spec: {
            parameters: [],
            steps: [{ id: 'update', action: 'catalog:entity:update', input: { entityRef: 'component:default/cart', patch: { spec: { owner } }, title: 'New owner for cart' } }],
            output: { url: '${{ steps.update.output.pullRequestUrl }}', method: '${{ steps.update.output.method }}' },
          },
        }),
        { values: {} },
      )).result;
    const result = await run('group:default/checkout');
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({ method: 'pull-request', url: expect.stringContaining(`${server.baseUrl}/acme/shop/pull/`) });
    const pull = routes.pulls.find((p) => p.title === 'New owner for cart')!;
    expect(await server.git.git('acme/shop', ['show', `${pull.head}:catalog-info.yaml`])).toContain('spec: { type: service, lifecycle: production, owner: group:default/checkout }');
    const bad = await run('');
    expect(bad.error).toMatchObject({ name: 'InputError' });
    expect(routes.pulls.filter((p) => p.title === 'New owner for cart')).toHaveLength(1);
  });
});
