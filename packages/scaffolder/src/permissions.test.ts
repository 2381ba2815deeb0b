/*
 * Permissions of the scaffolder through its public API and HTTP, with the worst input of an
 * untrusted caller: tags on parameter sections and steps, action conditions on rendered input,
 * task ownership on memory, PGlite and PostgreSQL, user.ref/user.entity, and the audit trail.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  AuthenticationError,
  createPolicy,
  createPortal,
  createPortalAuth,
  type AuditEvent,
  type PermissionPolicy,
  type Principal,
} from '@portalkit/core';
import { z } from 'zod';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createAction,
  createScaffolder,
  createScaffolderConditionalDecision,
  memoryTaskStore,
  pgliteTaskStore,
  postgresTaskStore,
  scaffolderActionConditions,
  scaffolderActionRules,
  scaffolderPermissions,
  scaffolderPlugin,
  scaffolderTaskConditions,
  scaffolderTaskRules,
  scaffolderTemplateConditions,
  scaffolderTemplateRules,
  type TaskRecord,
  type TaskStore,
  type TemplateEntity,
} from './index.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../test/support/postgres.js';
import { tempDir } from './test-support.js';

const user = (name: string, groups: string[] = []): Principal => ({
  type: 'user',
  subject: `user:default/${name}`,
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`, ...groups],
  claims: {},
});
const principals: Record<string, Principal> = {
  jane: user('jane', ['group:default/team-platform']),
  bob: user('bob', ['group:default/team-payments']),
  carol: user('carol', ['group:default/admins']),
  ci: { type: 'service', subject: 'ci', ownershipEntityRefs: [], claims: {} },
};

/** Bearer <name> is that user; no header is anonymous; anything else is a bad credential. */
const identify = (request: Request): Principal => {
  const header = request.headers.get('authorization');
  if (header === null) return { type: 'anonymous', subject: 'anonymous', ownershipEntityRefs: [], claims: {} };
  const principal = principals[header.replace(/^Bearer /, '')];
  if (!principal) throw new AuthenticationError('bad token');
  return principal;
};

const EVIL_REMOTE = 'https://evil.example/steal.git';

/**
 * jane (team-platform) may do everything with her own tasks; bob (team-payments) may not see
 * `platform`-tagged sections or steps, may not run `test:forbidden` nor `publish:git` to the evil
 * remote, and may not cancel; carol reads every task; anonymous may create nothing.
 */
const policy: PermissionPolicy = (principal, permission) => {
  const isPlatform = principal.ownershipEntityRefs.includes('group:default/team-platform');
  const isAdmin = principal.ownershipEntityRefs.includes('group:default/admins');
  switch (permission.name) {
    case 'scaffolder.template.parameter.read':
    case 'scaffolder.template.step.read':
      return isPlatform ? { result: 'ALLOW' } : createScaffolderConditionalDecision(permission, { not: scaffolderTemplateConditions.hasTag({ tag: 'platform' }) });
    case 'scaffolder.action.execute':
      return isPlatform
        ? { result: 'ALLOW' }
        : createScaffolderConditionalDecision(permission, {
            not: {
              anyOf: [
                scaffolderActionConditions.hasActionId({ actionId: 'test:forbidden' }),
                { allOf: [scaffolderActionConditions.hasActionId({ actionId: 'publish:git' }), scaffolderActionConditions.hasStringProperty({ key: 'remoteUrl', value: EVIL_REMOTE })] },
              ],
            },
          });
    case 'scaffolder.task.create':
      return principal.type !== 'anonymous' ? { result: 'ALLOW' } : { result: 'DENY' };
    case 'scaffolder.task.read':
      return isAdmin ? { result: 'ALLOW' } : createScaffolderConditionalDecision(permission, scaffolderTaskConditions.isTaskOwner({ createdBy: [principal.userEntityRef ?? principal.subject] }));
    case 'scaffolder.task.cancel':
      return principal.subject === 'user:default/bob'
        ? { result: 'DENY' }
        : createScaffolderConditionalDecision(permission, scaffolderTaskConditions.isTaskOwner({ createdBy: [principal.userEntityRef ?? principal.subject] }));
    default:
      return { result: 'DENY' };
  }
};

const template = (name: string, spec: Partial<TemplateEntity['spec']>): TemplateEntity =>
  ({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name }, spec: { parameters: [], steps: [], ...spec } }) as TemplateEntity;

const templates = new Map<string, TemplateEntity>([
  [
    'template:default/platform',
    template('platform', {
      parameters: [
        { title: 'Basics', properties: { name: { type: 'string' } } },
        { title: 'Cluster', 'backstage:permissions': { tags: ['platform'] }, required: ['cluster'], properties: { cluster: { type: 'string' } } },
      ],
      steps: [
        { id: 'first', action: 'test:record', input: { value: 'first ${{ parameters.name }}' } },
        { id: 'deploy', action: 'test:record', input: { value: 'deploy to ${{ parameters.cluster }}' }, 'backstage:permissions': { tags: ['platform'] } } as never,
      ],
    }),
  ],
  [
    'template:default/hidden-param',
    template('hidden-param', {
      parameters: [
        { title: 'Basics', properties: { name: { type: 'string' } } },
        { title: 'Platform only', 'backstage:permissions': { tags: ['platform'] }, properties: { cluster: { type: 'string', default: 'prod' } } },
      ],
      steps: [{ id: 'show', action: 'test:record', input: { value: '${{ parameters.name }} on ${{ parameters.cluster }}' } }],
    }),
  ],
  [
    'template:default/forbidden',
    template('forbidden', {
      steps: [
        { id: 'first', action: 'test:record', input: { value: 'first' } },
        { id: 'second', action: 'test:forbidden', input: { token: '${{ secrets.token }}' } },
        { id: 'third', action: 'test:record', input: { value: 'third' } },
      ],
    }),
  ],
  [
    'template:default/publish',
    template('publish', {
      parameters: [{ properties: { url: { type: 'string' } } }],
      steps: [
        { id: 'publish', action: 'publish:git', input: { remoteUrl: '${{ parameters.url }}', token: '${{ secrets.token }}' } },
        { id: 'after', action: 'test:record', input: { value: 'after publish' } },
      ],
    }),
  ],
  [
    'template:default/who',
    template('who', {
      steps: [{ id: 'who', action: 'test:record', input: { value: { ref: '${{ user.ref }}', name: '${{ user.entity.metadata.name }}' } } }],
      output: { ref: '${{ user.ref }}' },
    }),
  ],
  ['template:default/hold', template('hold', { steps: [{ id: 'h', action: 'test:hold' }] })],
]);

function actions() {
  const seen: unknown[] = [];
  const holds: Array<() => void> = [];
  const record = createAction({
    id: 'test:record',
    schema: { input: { value: z.any() } },
    async handler(ctx) {
      seen.push(ctx.input.value);
    },
  });
  const forbidden = createAction({ id: 'test:forbidden', supportsDryRun: true, async handler() { seen.push('forbidden ran'); } });
  const publish = createAction({
    id: 'publish:git',
    supportsDryRun: true,
    schema: { input: { remoteUrl: z.string(), token: z.string().optional() } },
    async handler(ctx) {
      seen.push(`published to ${ctx.input.remoteUrl}`);
    },
  });
  const hold = createAction({
    id: 'test:hold',
    async handler(ctx) {
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        holds.push(resolve);
        ctx.signal.addEventListener('abort', () => resolve());
      });
    },
  });
  return { list: [record, forbidden, publish, hold], seen, releaseAll: () => holds.splice(0).forEach((r) => r()) };
}

async function setup(taskStore: TaskStore = memoryTaskStore()) {
  const audit: AuditEvent[] = [];
  const logs: string[] = [];
  const { createLogger } = await import('@portalkit/core');
  const logger = createLogger({ level: 'debug', sink: (record) => void logs.push(JSON.stringify(record)) });
  const auth = createPortalAuth({ identify, policy, audit: (event) => void audit.push(event), logger });
  const acts = actions();
  const scaffolder = createScaffolder({
    actions: acts.list,
    taskStore,
    auth,
    logger,
    workingDirectory: path.join(await tempDir(), 'work'),
    pollIntervalMs: 20,
    getUserEntity: async (ref) =>
      ref === 'user:default/jane' ? { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'jane' }, spec: { profile: { email: 'jane@example.com' } } } : undefined,
  });
  const handler = scaffolder.handler({
    basePath: '/api/scaffolder',
    getTemplate: async (ref) => templates.get(ref),
    // A host that tries to name the user anyway: a principal's own ref wins.
    getUser: () => ({ ref: 'user:default/carol' }),
  });
  const request = (p: string, as: string | undefined, init: RequestInit & { json?: unknown } = {}) => {
    const headers: Record<string, string> = { 'x-request-id': `req-${as ?? 'anon'}` };
    if (as !== undefined) headers.authorization = `Bearer ${as}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    return handler(
      new Request(`http://portal.test/api/scaffolder${p}`, {
        ...init,
        headers,
        ...(init.json !== undefined ? { method: init.method ?? 'POST', body: JSON.stringify(init.json) } : {}),
      }),
    );
  };
  const create = async (as: string, templateRef: string, values: Record<string, unknown> = {}, secrets?: Record<string, string>) => {
    const res = await request('/v2/tasks', as, { json: { templateRef, values, ...(secrets ? { secrets } : {}) } });
    return { res, id: res.status === 201 ? ((await res.json()) as { id: string }).id : undefined };
  };
  const finished = async (id: string) => (await scaffolder.getTask(id))!.result;
  return { scaffolder, request, create, finished, audit, logs, seen: acts.seen, releaseAll: acts.releaseAll, taskStore };
}

describe('scaffolder permissions', () => {
  it('exports Backstage-named permissions with their resource types', () => {
    expect(scaffolderPermissions.map((p) => [p.name, p.resourceType ?? null])).toEqual([
      ['scaffolder.template.parameter.read', 'scaffolder-template'],
      ['scaffolder.template.step.read', 'scaffolder-template'],
      ['scaffolder.action.execute', 'scaffolder-action'],
      ['scaffolder.task.create', null],
      ['scaffolder.task.read', 'scaffolder-task'],
      ['scaffolder.task.cancel', 'scaffolder-task'],
    ]);
  });

  it('hides tagged parameter sections and refuses a template with a tagged step (403, nothing stored, audited as denied)', async () => {
    const s = await setup();
    const schemaFor = async (as: string) =>
      ((await (await s.request('/v2/templates/default/template/platform/parameter-schema', as)).json()) as { steps: Array<{ title: string }> }).steps.map((st) => st.title);
    expect(await schemaFor('jane')).toEqual(['Basics', 'Cluster']);
    expect(await schemaFor('bob')).toEqual(['Basics']);

    const refused = await s.create('bob', 'template:default/platform', { name: 'svc', cluster: 'prod' });
    expect(refused.res.status).toBe(403);
    expect((await s.scaffolder.listTasks()).totalTasks).toBe(0);
    expect(s.seen).toEqual([]);
    expect(s.audit.filter((e) => e.action === 'scaffolder.task.create')).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        target: 'template:default/platform',
        actor: { type: 'user', subject: 'user:default/bob' },
        requestId: 'req-bob',
        error: expect.stringMatching(/^NotAllowedError: .*scaffolder\.template\.step\.read/),
      }),
    ]);

    const allowed = await s.create('jane', 'template:default/platform', { name: 'svc', cluster: 'prod' });
    expect(allowed.res.status).toBe(201);
    expect(await s.finished(allowed.id!)).toMatchObject({ status: 'completed' });
    expect(s.seen).toEqual(['first svc', 'deploy to prod']);
  });

  it('applies the same template checks to a dry run of a stored template (templateRef): tagged steps refused, hidden values dropped', async () => {
    const s = await setup();
    const dry = (as: string, templateRef: string, values: Record<string, unknown>) => s.request('/v2/dry-run', as, { json: { templateRef, values } });
    const refused = await dry('bob', 'template:default/platform', { name: 'svc', cluster: 'prod' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('deploy to');
    expect((await dry('jane', 'template:default/platform', { name: 'svc', cluster: 'prod' })).status).toBe(200);
    const hidden = await dry('bob', 'template:default/hidden-param', { name: 'svc', cluster: 'evil' });
    expect(hidden.status).toBe(200);
    expect(await hidden.text()).not.toContain('evil');
  });

  it('drops values a principal submits for parameters it may not see (it cannot set what it is not shown)', async () => {
    const s = await setup();
    const { res, id } = await s.create('bob', 'template:default/hidden-param', { name: 'svc', cluster: 'evil; rm -rf /' });
    expect(res.status).toBe(201);
    expect(await s.finished(id!)).toMatchObject({ status: 'completed' });
    expect(s.seen).toEqual(['svc on ']);
    const stored = (await s.scaffolder.getTask(id!))!;
    expect((await stored.get()).spec.parameters).toEqual({ name: 'svc' });
  });

  it('fails a task at a step whose action is denied (HAS_ACTION_ID); later steps never run, no secret in the error or logs', async () => {
    const s = await setup();
    const { res, id } = await s.create('bob', 'template:default/forbidden', {}, { token: 'tok-SECRET-123' });
    expect(res.status).toBe(201);
    const result = await s.finished(id!);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining("Step second: not allowed to run action 'test:forbidden'") });
    expect(s.seen).toEqual(['first']);
    const events = (await (await s.request(`/v2/tasks/${id}/events`, 'bob')).json()) as Array<{ body: { stepId?: string; status?: string } }>;
    expect(events.some((e) => e.body.stepId === 'second' && e.body.status === 'failed')).toBe(true);
    expect(events.some((e) => e.body.stepId === 'third')).toBe(false);
    expect(JSON.stringify([events, s.logs, s.audit])).not.toContain('tok-SECRET-123');

    const jane = await s.create('jane', 'template:default/forbidden', {}, { token: 'tok-SECRET-123' });
    expect(await s.finished(jane.id!)).toMatchObject({ status: 'completed' });
  });

  it('checks property conditions on the rendered input: publish:git to the denied remote fails, elsewhere runs', async () => {
    const s = await setup();
    const evil = await s.create('bob', 'template:default/publish', { url: EVIL_REMOTE }, { token: 'tok-SECRET-456' });
    const evilResult = await s.finished(evil.id!);
    expect(evilResult).toMatchObject({ status: 'failed', error: { name: 'NotAllowedError' } });
    expect(JSON.stringify(evilResult)).not.toContain('tok-SECRET-456');
    const ok = await s.create('bob', 'template:default/publish', { url: 'https://git.example.com/ok.git' });
    expect(await s.finished(ok.id!)).toMatchObject({ status: 'completed' });
    expect(s.seen).toEqual(['published to https://git.example.com/ok.git', 'after publish']);

    // Dry runs check too; anonymous may not even dry-run.
    const dry = await s.request('/v2/dry-run', 'bob', { json: { template: templates.get('template:default/publish'), values: { url: EVIL_REMOTE } } });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ status: 'failed', error: { name: 'NotAllowedError' } });
    expect((await s.request('/v2/dry-run', undefined, { json: { template: templates.get('template:default/publish'), values: { url: 'x' } } })).status).toBe(403);
  });

  it('fails, under a policy, a task whose store lost the creator\'s action decision', async () => {
    const inner = memoryTaskStore();
    const forgetful: TaskStore = { ...inner, createTask: ({ spec, createdBy }) => inner.createTask({ spec, ...(createdBy ? { createdBy } : {}) }) };
    const s = await setup(forgetful);
    const { id } = await s.create('jane', 'template:default/who');
    expect(await s.finished(id!)).toMatchObject({ status: 'failed', error: { name: 'NotAllowedError' } });
    expect(s.seen).toEqual([]);
  });

  it('renders user.ref and user.entity from the principal, never from the host getUser or the request', async () => {
    const s = await setup();
    const jane = await s.create('jane', 'template:default/who');
    expect(await s.finished(jane.id!)).toMatchObject({ status: 'completed', output: { ref: 'user:default/jane' } });
    const bob = await s.request('/v2/tasks', 'bob', { json: { templateRef: 'template:default/who', values: {}, user: { ref: 'user:default/jane' } } });
    const bobId = ((await bob.json()) as { id: string }).id;
    await s.finished(bobId);
    expect(s.seen).toEqual([
      { ref: 'user:default/jane', name: 'jane' },
      // No entity for bob: `user.entity.metadata.name` renders to nothing, as in Backstage.
      { ref: 'user:default/bob' },
    ]);
    // A service has no user: under a policy the host's getUser (carol) names neither the user nor the creator.
    const ci = await s.create('ci', 'template:default/who');
    expect(await s.finished(ci.id!)).toMatchObject({ status: 'completed' });
    const ciTask = (await (await s.request(`/v2/tasks/${ci.id}`, 'ci')).json()) as { createdBy: string; spec: { user?: unknown } };
    expect(ciTask.createdBy).toBe('ci');
    expect(ciTask.spec.user).toBeUndefined();
    expect(JSON.stringify(s.seen)).not.toContain('carol');
    const served = (await (await s.request(`/v2/tasks/${jane.id}`, 'jane')).json()) as Record<string, unknown>;
    expect(served).toMatchObject({ createdBy: 'user:default/jane' });
    expect(served).not.toHaveProperty('actionDecision');
  });

  it('answers 404 for another user\'s task (get, events, stream, cancel) and 403 for a readable task it may not cancel; audits cancels', async () => {
    const s = await setup();
    const { id } = await s.create('bob', 'template:default/hold');
    for (const p of [`/v2/tasks/${id}`, `/v2/tasks/${id}/events`, `/v2/tasks/${id}/eventstream`]) {
      const res = await s.request(p, 'jane');
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(await res.text()).not.toContain('user:default/bob');
    }
    expect((await s.request(`/v2/tasks/${id}/cancel`, 'jane', { json: {} })).status).toBe(404);
    expect((await s.request(`/v2/tasks/${id}`, 'bob')).status).toBe(200);
    expect((await s.request(`/v2/tasks/${id}/cancel`, 'bob', { json: {} })).status).toBe(403);
    expect((await s.request(`/v2/tasks/${id}`, 'carol')).status).toBe(200);

    const own = await s.create('jane', 'template:default/hold');
    const cancelled = await s.request(`/v2/tasks/${own.id}/cancel`, 'jane', { json: {} });
    expect(cancelled.status).toBe(200);
    s.releaseAll();
    expect((await s.finished(own.id!)).status).toBe('cancelled');
    const cancels = s.audit.filter((e) => e.action === 'scaffolder.task.cancel');
    expect(cancels).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        target: id,
        actor: { type: 'user', subject: 'user:default/bob' },
        requestId: 'req-bob',
        error: expect.stringMatching(/^NotAllowedError: /),
        meta: { templateRef: 'template:default/hold' },
      }),
      expect.objectContaining({ outcome: 'success', target: own.id, actor: { type: 'user', subject: 'user:default/jane' }, requestId: 'req-jane' }),
    ]);
    s.releaseAll();
    await s.scaffolder.stop();
  });

  it('refuses bad credentials on every route (401) and anonymous task creation (403)', async () => {
    const s = await setup();
    for (const [p, init] of [
      ['/v2/actions', {}],
      ['/v2/tasks', {}],
      ['/v2/tasks', { json: { templateRef: 'template:default/who' } }],
      ['/v2/templates/default/template/who/parameter-schema', {}],
      ['/v2/dry-run', { json: { template: templates.get('template:default/who') } }],
    ] as const) {
      expect({ p, status: (await s.request(p, 'mallory', init as RequestInit)).status }).toEqual({ p, status: 401 });
    }
    expect((await s.create(undefined as never, 'template:default/who')).res.status).toBe(403);
    expect((await s.scaffolder.listTasks()).totalTasks).toBe(0);
  });

  it('audits task creation with the template ref and task id only: never values, secrets or the user entity', async () => {
    const s = await setup();
    const { id } = await s.create('jane', 'template:default/publish', { url: 'https://git.example.com/value-xyz.git' }, { token: 'tok-SECRET-789' });
    await s.finished(id!);
    const created = s.audit.filter((e) => e.action === 'scaffolder.task.create');
    expect(created).toEqual([
      {
        time: expect.any(String),
        plugin: 'scaffolder',
        action: 'scaffolder.task.create',
        actor: { type: 'user', subject: 'user:default/jane' },
        target: 'template:default/publish',
        outcome: 'success',
        requestId: 'req-jane',
        meta: { taskId: id },
      },
    ]);
    // A refused create (bad values) is a failure, with the error but never the submitted values.
    const bad = await s.create('jane', 'template:default/publish', { url: ['value-xyz'] }, { token: 'tok-SECRET-789' });
    expect(bad.res.status).toBe(400);
    expect(s.audit.at(-1)).toMatchObject({ action: 'scaffolder.task.create', outcome: 'failure', target: 'template:default/publish', error: expect.stringMatching(/^InputError: /) });
    expect(JSON.stringify(s.audit)).not.toMatch(/value-xyz|tok-SECRET-789|jane@example.com/);
    // Host calls are audited as the host.
    const hostTask = await s.scaffolder.run(templates.get('template:default/who')!);
    await hostTask.result;
    expect(s.audit.at(-1)).toMatchObject({ action: 'scaffolder.task.create', actor: { type: 'service', subject: 'host' }, outcome: 'success', meta: { taskId: hostTask.id } });
  });

  it('uses the portal\'s auth when the plugin has none', async () => {
    const audit: AuditEvent[] = [];
    const auth = createPortalAuth({ identify, policy, audit: (event) => void audit.push(event) });
    const scaffolder = createScaffolder({ actions: actions().list, workingDirectory: path.join(await tempDir(), 'work') });
    const portal = createPortal({ auth, plugins: [scaffolderPlugin({ scaffolder, getTemplate: async (ref) => templates.get(ref), startWorker: false })] });
    await portal.start();
    try {
      expect((await portal.request('/api/scaffolder/v2/actions', { headers: { authorization: 'Bearer mallory' } })).status).toBe(401);
      const res = await portal.request('/api/scaffolder/v2/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templateRef: 'template:default/who' }) });
      expect(res.status).toBe(403);
      expect(audit).toEqual([expect.objectContaining({ action: 'scaffolder.task.create', outcome: 'denied', actor: { type: 'anonymous', subject: 'anonymous' } })]);
    } finally {
      await portal.stop();
    }
  });
});

describe('a declarative policy (createPolicy) with the scaffolder\'s rules', () => {
  it('hides tagged steps, denies an action and limits tasks to their owner, as the statements say', async () => {
    const policy = createPolicy({
      rules: [scaffolderTemplateRules, scaffolderActionRules, scaffolderTaskRules],
      permissions: scaffolderPermissions,
      statements: [
        { permission: 'scaffolder.*', principals: { ownershipEntityRefs: ['group:default/admins'] }, decision: 'allow' },
        { permission: ['scaffolder.template.parameter.read', 'scaffolder.template.step.read'], principals: { types: ['user'] }, decision: { conditions: { not: { rule: 'HAS_TAG', params: { tag: 'platform' } } } } },
        { permission: 'scaffolder.action.execute', principals: { types: ['user'] }, decision: { conditions: { not: { rule: 'HAS_ACTION_ID', params: { actionId: 'test:forbidden' } } } } },
        { permission: ['scaffolder.task.read', 'scaffolder.task.cancel'], principals: { types: ['user'] }, decision: { conditions: { rule: 'IS_TASK_OWNER', params: { createdBy: ['$userEntityRef'] } } } },
        { permission: 'scaffolder.task.create', principals: { types: ['user'] }, decision: 'allow' },
      ],
    });
    const auth = createPortalAuth({ policy, audit: () => {} });
    const acts = actions();
    const scaffolder = createScaffolder({ actions: acts.list, auth, workingDirectory: path.join(await tempDir(), 'work'), pollIntervalMs: 20 });
    const jane = scaffolder.forPrincipal(principals.jane!);
    const bob = scaffolder.forPrincipal(principals.bob!);
    await expect(jane.run(templates.get('template:default/platform')!, { values: { name: 'x', cluster: 'c' } })).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect((await jane.getParameterSchema(templates.get('template:default/platform')!)).steps.map((st) => st.title)).toEqual(['Basics']);
    const failed = await jane.run(templates.get('template:default/forbidden')!);
    expect(await failed.result).toMatchObject({ status: 'failed', error: { name: 'NotAllowedError' } });
    const mine = await bob.run(templates.get('template:default/who')!);
    await mine.result;
    expect((await bob.listTasks()).tasks.map((t) => t.id)).toEqual([mine.id]);
    expect(await jane.getTask(mine.id)).toBeUndefined();
    expect((await scaffolder.forPrincipal(principals.carol!).listTasks()).totalTasks).toBe(2);
    await scaffolder.stop();
  });
});

/** Three tasks of jane, two of bob, one of the host; each user lists only their own, counted in the store. */
async function expectOwnTasksOnly(taskStore: TaskStore) {
  const s = await setup(taskStore);
  const ids: Record<string, string[]> = { jane: [], bob: [] };
  for (const as of ['jane', 'bob', 'jane', 'bob', 'jane']) ids[as]!.push((await s.create(as, 'template:default/who')).id!);
  const hostTask = await s.scaffolder.run(templates.get('template:default/who')!);
  for (const id of [...ids.jane!, ...ids.bob!, hostTask.id]) await s.finished(id);

  const list = async (as: string, query = '') =>
    (await (await s.request(`/v2/tasks${query}`, as)).json()) as { tasks: Array<{ id: string; createdBy?: string }>; totalTasks: number };
  for (const as of ['jane', 'bob'] as const) {
    const all = await list(as);
    expect(all.totalTasks).toBe(ids[as]!.length);
    expect(all.tasks.map((t) => t.id).sort()).toEqual([...ids[as]!].sort());
    expect(all.tasks.every((t) => t.createdBy === `user:default/${as}`)).toBe(true);
    const page = await list(as, '?limit=1&offset=1');
    expect(page.totalTasks).toBe(ids[as]!.length);
    expect(page.tasks).toHaveLength(1);
    expect(ids[as]).toContain(page.tasks[0]!.id);
    // Asking for another user's tasks by filter finds nothing, not even a count.
    const other = as === 'jane' ? 'bob' : 'jane';
    expect(await list(as, `?createdBy=user:default/${other}`)).toEqual({ tasks: [], totalTasks: 0 });
  }
  expect((await list('carol')).totalTasks).toBe(6);
  expect(await list(undefined as never)).toEqual({ tasks: [], totalTasks: 0 });
  // The library view says the same as HTTP.
  const janeView = s.scaffolder.forPrincipal(principals.jane!);
  expect((await janeView.listTasks({ limit: 2 })).totalTasks).toBe(3);
  expect(await janeView.getTask(ids.bob![0]!)).toBeUndefined();
  const hostRecord: TaskRecord = await (await s.scaffolder.getTask(hostTask.id))!.get();
  expect(hostRecord.createdBy).toBeUndefined();
  await s.scaffolder.stop();
}

describe('task lists per user', () => {
  it('memory: each user sees only their own tasks, with right totals and pages', async () => {
    await expectOwnTasksOnly(memoryTaskStore());
  });

  const db = new PGlite();
  afterAll(() => db.close());
  it('PGlite: each user sees only their own tasks, with right totals and pages', async () => {
    const store = pgliteTaskStore({ pglite: db, schema: 'perm_lists' });
    await expectOwnTasksOnly(store);
    await store.close?.();
  });

  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  it('PostgreSQL: each user sees only their own tasks, with right totals and pages', async (context) => {
    const skip = await postgresSkipReason();
    if (skip) return context.skip(skip);
    const schema = randomSchema();
    cleanups.push(() => dropSchema(schema));
    const store = postgresTaskStore({ connectionString: pgUrl, schema });
    cleanups.push(async () => store.close?.());
    await expectOwnTasksOnly(store);
  });
});
