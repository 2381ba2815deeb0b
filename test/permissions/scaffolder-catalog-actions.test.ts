/*
 * The scaffolder's catalog actions act as the task's creator, never as the host: a portal whose
 * policy is on the portal (the scaffolder itself has none, as in the example portal), the real
 * catalog given to builtinActions({ catalog }), and hostile templates run over HTTP as tasks and
 * dry runs. Also: a task stored without its decision or creator under the portal's policy runs
 * nothing, and a catalog without forPrincipal fails closed under a policy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AuditEvent, AuthenticationError, type PermissionPolicy, type Principal, createPortal, createPortalAuth } from '@portalkit/core';
import { type Catalog, catalogPlugin, createCatalog, memoryStore } from '@portalkit/catalog';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';
import {
  type ScaffolderCatalog,
  type TaskStore,
  type TemplateEntity,
  builtinActions,
  createScaffolder,
  memoryTaskStore,
  scaffolderPlugin,
} from '@portalkit/scaffolder';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from './catalog-support.js';

const VAULT = 'resource:default/production-secrets-vault';
const MARKER = 'vault-marker-7f3a';

const user = (name: string, group: string): Principal => ({
  type: 'user',
  subject: `user:default/${name}`,
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`, `group:default/${group}`],
  claims: { secretClaim: 'never-stored' },
});
const principals: Record<string, Principal> = { pat: user('pat', 'team-platform'), paula: user('paula', 'team-payments') };

/**
 * team-platform reads and registers everything; team-payments reads only components, may not
 * create locations; both create tasks and run every action; they read only their own tasks.
 */
const policy: PermissionPolicy = (principal, permission) => {
  const platform = principal.ownershipEntityRefs.includes('group:default/team-platform');
  if (permission.name.startsWith('scaffolder.')) return { result: principal.type === 'user' ? 'ALLOW' : 'DENY' };
  if (permission.name === 'catalog.entity.read') {
    return platform ? { result: 'ALLOW' } : createCatalogConditionalDecision(catalogConditions.isEntityKind({ kinds: ['component'] }));
  }
  return { result: platform ? 'ALLOW' : 'DENY' };
};

const yaml = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n');
const fetchTemplate = (name: string, input: Record<string, unknown>): TemplateEntity =>
  ({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name },
    spec: { parameters: [], steps: [{ id: 'f', action: 'catalog:fetch', input }], output: { entity: '${{ steps.f.output.entity }}', entities: '${{ steps.f.output.entities }}' } },
  }) as TemplateEntity;

let dir: string;
let audit: AuditEvent[];
let catalog: Catalog;
const auth = createPortalAuth({
  identify: (request) => {
    const who = request.headers.get('x-test-user');
    const principal = who ? principals[who] : undefined;
    if (!principal) throw new AuthenticationError('bad token');
    return principal;
  },
  policy,
  audit: (event) => void audit.push(event),
  logger: silentLogger,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pk-scaffcat-'));
  await writeFile(
    path.join(dir, 'root.yaml'),
    yaml([
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments-api' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' } },
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'production-secrets-vault', description: MARKER }, spec: { type: 'vault', owner: 'team-platform' } },
    ]),
  );
  await writeFile(
    path.join(dir, 'new.yaml'),
    yaml([{ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'smuggled' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' } }]),
  );
  catalog = createCatalog({ store: memoryStore(), rootDir: dir, auth, logger: silentLogger, rules: [{ allow: ['Component', 'Resource', 'Location'] }] });
  await catalog.addLocation({ type: 'file', target: './root.yaml' });
  await catalog.refresh();
  expect(await catalog.getProcessingErrors()).toEqual([]);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const portals: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const p of portals.splice(0)) await p.stop();
});

/** A portal with the policy on the portal only; the scaffolder has no auth of its own. */
async function setup(options: { scaffolderCatalog?: ScaffolderCatalog; taskStore?: TaskStore } = {}) {
  audit = [];
  const templates = new Map<string, TemplateEntity>([
    ['template:default/fetch-vault', fetchTemplate('fetch-vault', { entityRef: VAULT })],
    ['template:default/fetch-many', fetchTemplate('fetch-many', { entityRefs: ['component:default/payments-api', VAULT], optional: true })],
    ['template:default/fetch-own', fetchTemplate('fetch-own', { entityRef: 'component:default/payments-api' })],
    [
      'template:default/register',
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'register' },
        spec: { parameters: [], steps: [{ id: 'r', action: 'catalog:register', input: { catalogInfoUrl: pathToFileURL(path.join(dir, 'new.yaml')).href, optional: true } }] },
      } as TemplateEntity,
    ],
  ]);
  const scaffolder = createScaffolder({
    // The catalog itself: its forPrincipal makes the catalog actions act as the task's creator.
    actions: builtinActions({ catalog: options.scaffolderCatalog ?? catalog }),
    taskStore: options.taskStore ?? memoryTaskStore(),
    workingDirectory: path.join(dir, 'work'),
    pollIntervalMs: 20,
    logger: silentLogger,
  });
  const portal = createPortal({
    auth,
    logger: silentLogger,
    plugins: [catalogPlugin({ catalog }), scaffolderPlugin({ scaffolder, getTemplate: async (ref) => templates.get(ref) })],
  });
  await portal.start();
  portals.push(portal);
  const post = (p: string, as: string, body: unknown) =>
    portal.request(`/api/scaffolder${p}`, { method: 'POST', headers: { 'x-test-user': as, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const runTask = async (as: string, templateRef: string) => {
    const res = await post('/v2/tasks', as, { templateRef, values: {} });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await (await scaffolder.getTask(id))!.result;
    const task = (await (await portal.request(`/api/scaffolder/v2/tasks/${id}`, { headers: { 'x-test-user': as } })).json()) as Record<string, unknown>;
    const events = await (await portal.request(`/api/scaffolder/v2/tasks/${id}/events`, { headers: { 'x-test-user': as } })).text();
    return { id, task, events };
  };
  const dryRun = async (as: string, template: TemplateEntity) => {
    const res = await post('/v2/dry-run', as, { template, values: {}, directoryContents: [] });
    expect(res.status).toBe(200);
    return (await res.json()) as { status: string; output: Record<string, unknown>; error?: { name: string; message: string }; log: unknown[] };
  };
  return { portal, scaffolder, runTask, dryRun, post };
}

describe('catalog:fetch acts as the task creator', () => {
  it('the reviewer trigger: a payments user cannot read a hidden entity through a task or a dry run; platform can', async () => {
    const s = await setup();
    // The catalog hides it from paula over HTTP too; pat reads it.
    expect((await s.portal.request('/api/catalog/entities/by-name/resource/default/production-secrets-vault', { headers: { 'x-test-user': 'pat' } })).status).toBe(200);
    expect((await s.portal.request('/api/catalog/entities/by-name/resource/default/production-secrets-vault', { headers: { 'x-test-user': 'paula' } })).status).toBe(404);

    const hidden = await s.runTask('paula', 'template:default/fetch-vault');
    expect(hidden.task.status).toBe('failed');
    expect((hidden.task.error as { name: string; message: string }).name).toBe('NotFoundError');
    expect(JSON.stringify(hidden.task)).not.toContain(MARKER);
    expect(hidden.events).not.toContain(MARKER);

    // The same error as an entity that does not exist.
    const missingTemplate = fetchTemplate('fetch-missing', { entityRef: 'resource:default/no-such-vault' });
    const missing = await s.dryRun('paula', missingTemplate);
    const dry = await s.dryRun('paula', fetchTemplate('fetch-vault', { entityRef: VAULT }));
    expect(dry.status).toBe('failed');
    expect(dry.error?.name).toBe('NotFoundError');
    expect(dry.error?.message.replace(VAULT, 'X')).toBe(missing.error?.message.replace('resource:default/no-such-vault', 'X'));
    expect(JSON.stringify(dry)).not.toContain(MARKER);

    // `optional` lists: the hidden one is null, as a missing one.
    const many = await s.runTask('paula', 'template:default/fetch-many');
    expect(many.task.status).toBe('completed');
    const entities = (many.task.output as { entities: Array<{ metadata: { name: string } } | null> }).entities;
    expect(entities.map((e) => e?.metadata.name ?? null)).toEqual(['payments-api', null]);
    expect(JSON.stringify(many.task)).not.toContain(MARKER);

    // What paula may read she gets; platform gets the vault (the policy, not a broken action).
    expect((await s.runTask('paula', 'template:default/fetch-own')).task.status).toBe('completed');
    const platform = await s.runTask('pat', 'template:default/fetch-vault');
    expect(platform.task.error).toBeUndefined();
    expect(platform.task.status).toBe('completed');
    expect(JSON.stringify(platform.task.output)).toContain(MARKER);
    expect(JSON.stringify(await s.dryRun('pat', fetchTemplate('fetch-vault', { entityRef: VAULT })))).toContain(MARKER);
  });
});

describe('catalog:register acts as the task creator', () => {
  it('a principal without catalog.location.create: the step fails 403-style (even optional), nothing registered, audited as them', async () => {
    const s = await setup();
    const before = (await catalog.getLocations()).length;
    const { task } = await s.runTask('paula', 'template:default/register');
    expect(task.status).toBe('failed');
    expect((task.error as { name: string }).name).toBe('NotAllowedError');
    expect(await catalog.getLocations()).toHaveLength(before);
    expect(await catalog.getEntityByRef('component:default/smuggled')).toBeUndefined();
    const denied = audit.filter((e) => e.action === 'catalog.location.create');
    expect(denied).toEqual([expect.objectContaining({ outcome: 'denied', actor: expect.objectContaining({ type: 'user', subject: 'user:default/paula' }) })]);
    expect(JSON.stringify(audit)).not.toContain('never-stored');

    // Platform may: registered, audited as pat (not the host).
    const ok = await s.runTask('pat', 'template:default/register');
    expect(ok.task.status).toBe('completed');
    expect(await catalog.getEntityByRef('component:default/smuggled')).toBeDefined();
    expect(audit.filter((e) => e.action === 'catalog.location.create' && e.outcome === 'success')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ subject: 'user:default/pat' }) }),
    ]);
  });
});

describe('fail closed under a policy', () => {
  it('a catalog of plain getters (no forPrincipal) is refused with a NotAllowedError naming the wiring, and reads nothing', async () => {
    let reads = 0;
    const getters: ScaffolderCatalog = {
      addLocation: (location, o) => catalog.addLocation(location, o),
      getEntityByRef: async (ref) => {
        reads += 1;
        return catalog.getEntityByRef(ref);
      },
    };
    const s = await setup({ scaffolderCatalog: getters });
    for (const as of ['paula', 'pat']) {
      const { task } = await s.runTask(as, 'template:default/fetch-vault');
      expect(task.status).toBe('failed');
      expect((task.error as { name: string; message: string }).name).toBe('NotAllowedError');
      expect((task.error as { message: string }).message).toMatch(/forPrincipal/);
      expect(JSON.stringify(task)).not.toContain(MARKER);
    }
    const dry = await s.dryRun('paula', fetchTemplate('fetch-vault', { entityRef: VAULT }));
    expect(dry.error?.name).toBe('NotAllowedError');
    expect(reads).toBe(0);
  });

  it('a task stored without its decision and creator (old rows, a store that drops them) runs no action under the portal policy', async () => {
    const inner = memoryTaskStore();
    // A custom store that drops what it does not know.
    const lossy: TaskStore = { ...inner, createTask: ({ spec, createdBy }) => inner.createTask({ spec, ...(createdBy ? { createdBy } : {}) }) };
    const s = await setup({ taskStore: lossy });
    for (const as of ['paula', 'pat']) {
      const { task, events } = await s.runTask(as, 'template:default/fetch-vault');
      expect(task.status).toBe('failed');
      expect((task.error as { name: string; message: string }).message).toMatch(/without its creator's scaffolder.action.execute decision/);
      expect(events).not.toContain('Beginning step');
      expect(JSON.stringify(task)).not.toContain(MARKER);
    }
  });

  it('a task stored with a decision but without its creator (old rows) may not run catalog actions', async () => {
    const inner = memoryTaskStore();
    const lossy: TaskStore = {
      ...inner,
      createTask: ({ spec, createdBy, actionDecision }) => inner.createTask({ spec, ...(createdBy ? { createdBy } : {}), ...(actionDecision ? { actionDecision } : {}) }),
    };
    const s = await setup({ taskStore: lossy });
    const { task } = await s.runTask('pat', 'template:default/fetch-vault');
    expect(task.status).toBe('failed');
    expect((task.error as { name: string; message: string }).message).toMatch(/stored without its creator/);
    expect(JSON.stringify(task)).not.toContain(MARKER);
  });

  it('a worker that never saw the policy refuses a task its creator stored under one without a decision', async () => {
    const store = memoryTaskStore();
    const { id } = await store.createTask({
      spec: {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        parameters: {},
        steps: [{ id: 'f', action: 'catalog:fetch', input: { entityRef: VAULT } }],
        output: { entity: '${{ steps.f.output.entity }}' },
        templateInfo: { entityRef: 'template:default/fetch-vault' },
      },
      creator: { type: 'principal', principal: principals.paula!, policy: true },
    });
    // Another process: no auth of its own, no plugin, no view.
    const worker = createScaffolder({ actions: builtinActions({ catalog }), taskStore: store, workingDirectory: path.join(dir, 'work2'), pollIntervalMs: 20, logger: silentLogger });
    await worker.start();
    portals.push(worker);
    const result = await (await worker.getTask(id))!.result;
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('NotAllowedError');
    expect(JSON.stringify(result)).not.toContain(MARKER);
  });

  it('never serves the stored creator over HTTP', async () => {
    const s = await setup();
    const { task } = await s.runTask('paula', 'template:default/fetch-own');
    expect(task).not.toHaveProperty('creator');
    expect(JSON.stringify(task)).not.toContain('ownershipEntityRefs');
    const stored = await s.scaffolder.getTask(task.id as string);
    expect(stored).toBeDefined();
  });
});
