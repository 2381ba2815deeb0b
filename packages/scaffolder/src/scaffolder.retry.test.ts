/*
 * Retry, recovery, checkpoints and sealed task secrets through the public API (memory store; the
 * PostgreSQL multi-process case is scaffolder.resume.postgres.test.ts), with the worst inputs:
 * wrong and rotated-out keys, tampered ciphertext, secrets in errors and checkpoint results.
 */
import { randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger, createPortalAuth, memorySink, type PermissionPolicy, type Principal } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { createAction, createScaffolder, createSecretBox, memoryTaskStore, parseTemplate, RECOVERED_MESSAGE, scaffolderConfigSchema } from './index.js';
import type { ScaffolderAction, TaskSpec, TaskStore } from './index.js';
import { tempDir } from './test-support.js';

const SECRET = 'sup3r-secret-value-91';
const key = () => randomBytes(32).toString('base64');

const spec = (steps: TaskSpec['steps'], extra: Partial<TaskSpec> = {}): TaskSpec => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: {},
  steps,
  output: {},
  templateInfo: { entityRef: 'template:default/t' },
  ...extra,
});

type Extra = { taskStore?: TaskStore; secretKeys?: Array<{ id: string; key: string }>; auth?: ReturnType<typeof createPortalAuth>; filters?: Record<string, () => string> };

async function scaffolderWith(actions: ScaffolderAction[], options: Extra = {}) {
  const sink = memorySink();
  const scaffolder = createScaffolder({
    actions,
    workingDirectory: path.join(await tempDir(), 'work'),
    pollIntervalMs: 20,
    leaseMs: 2_000,
    logger: createLogger({ level: 'debug', sink }),
    ...options,
  });
  return { scaffolder, sink };
}

describe('retry', () => {
  it('starts over when the failed step had begun and its action is not idempotent; checkpoint results are reused, a failed checkpoint runs again', async () => {
    const runs: string[] = [];
    let fail = true;
    const first = createAction({ id: 'test:first', async handler(ctx) { runs.push('first'); ctx.output('n', 1); } });
    const once = createAction({
      id: 'test:once',
      async handler(ctx) {
        runs.push('once');
        const made = await ctx.checkpoint!({ key: 'make', fn: () => (runs.push('make'), 'made-1') });
        await ctx.checkpoint!({ key: 'flaky', fn: () => { runs.push('flaky'); if (fail) throw new Error('flaky'); return 1; } }).catch(() => undefined);
        if (fail) throw new Error('step once failed');
        ctx.output('made', made);
      },
    });
    const { scaffolder } = await scaffolderWith([first, once]);
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'r' },
      spec: { steps: [{ id: 'a', action: 'test:first' }, { id: 'b', action: 'test:once' }], output: { made: '${{ steps.b.output.made }}' } },
    });
    const task = await scaffolder.run(template);
    expect((await task.result).status).toBe('failed');
    fail = false;
    const retried = await scaffolder.retryTask(task.id);
    expect(await retried.result).toMatchObject({ status: 'completed', output: { made: 'made-1' } });
    expect(runs).toEqual(['first', 'once', 'make', 'flaky', 'first', 'once', 'flaky']);
    const messages = (await retried.listEvents()).map((e) => e.body.message);
    expect(messages).toContain('Starting over: step b had begun and its action test:once is not declared idempotent; checkpoint results are reused');
    // The first run's completion does not end a reader of the retried task.
    expect((await retried.listEvents()).filter((e) => e.type === 'completion').map((e) => e.body.status)).toEqual(['failed', 'completed']);
    await expect(scaffolder.retryTask(task.id)).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(scaffolder.retryTask('nope')).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('resumes at a step that failed before its action began, and refuses checkpoint results holding a secret', async () => {
    const runs: string[] = [];
    const first = createAction({ id: 'test:first', async handler(ctx) { runs.push('first'); ctx.output('n', 1); } });
    const leak = createAction({
      id: 'test:leak',
      schema: { input: { type: 'object', properties: { v: { type: 'string' } } } },
      async handler(ctx) {
        runs.push('leak');
        await ctx.checkpoint!({ key: 'k', fn: () => `token=${ctx.secrets.token}` });
      },
    });
    let fail = true;
    // A filter failing once: step b fails rendering its input, before its action begins.
    const flaky = () => {
      if (fail) throw new Error('flaky filter');
      return 'x';
    };
    const { scaffolder, sink } = await scaffolderWith([first, leak], { secretKeys: [{ id: 'k1', key: key() }], filters: { flaky } });
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'r' },
      spec: { steps: [{ id: 'a', action: 'test:first' }, { id: 'b', action: 'test:leak', input: { v: '${{ "a" | flaky }}' } }] },
    });
    const task = await scaffolder.run(template, { secrets: { token: SECRET } });
    const failed = await task.result;
    expect(failed.status).toBe('failed');
    fail = false;
    const retried = await scaffolder.retryTask(task.id, { secrets: { token: SECRET } });
    const again = await retried.result;
    expect(again).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('the result of checkpoint k holds a secret') } });
    expect(runs).toEqual(['first', 'leak']);
    const messages = (await retried.listEvents()).map((e) => e.body.message);
    expect(messages).toContain('Resuming at step b: a finished in an earlier run and keep their outputs and workspace');
    const everything = JSON.stringify([failed, again, await retried.listEvents(), await retried.get(), sink.records]);
    expect(everything).not.toContain(SECRET);
  });
});

describe('workspace snapshots', () => {
  it('never stores a workspace holding a secret: the retry starts over instead', async () => {
    const store = memoryTaskStore();
    const runs: string[] = [];
    let fail = true;
    const write = createAction({
      id: 'test:write-secret',
      async handler(ctx) {
        runs.push('write');
        await writeFile(path.join(ctx.workspacePath, 'config.env'), `TOKEN=${ctx.secrets.token}\n`);
      },
    });
    const plain = createAction({ id: 'test:plain', async handler(ctx) { runs.push('plain'); await writeFile(path.join(ctx.workspacePath, 'plain.txt'), 'plain'); } });
    const { scaffolder } = await scaffolderWith([plain, write], { taskStore: store, secretKeys: [{ id: 'k1', key: key() }], filters: { flaky: () => { if (fail) throw new Error('flaky'); return 'x'; } } });
    const steps = [
      { id: 'p', action: 'test:plain' },
      { id: 'w', action: 'test:write-secret' },
      { id: 'last', action: 'test:plain', if: '${{ "a" | flaky }}' },
    ];
    const template = parseTemplate({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'w' }, spec: { steps } });
    const task = await scaffolder.run(template, { secrets: { token: SECRET } });
    expect((await task.result).status).toBe('failed');
    expect(await store.getWorkspace(task.id)).toBeUndefined();
    fail = false;
    const retried = await scaffolder.retryTask(task.id, { secrets: { token: SECRET } });
    expect((await retried.result).status).toBe('completed');
    expect(runs).toEqual(['plain', 'write', 'plain', 'write', 'plain']);
    expect((await retried.listEvents()).map((e) => e.body.message)).toContain('Starting over: the workspace before step last was not kept (too large, holding a secret, or never stored)');
  });

  it('keeps a small workspace for the retry (restored on a fresh disk), and none above 8 MiB', async () => {
    for (const size of [1024, 9 * 1024 * 1024]) {
      const store = memoryTaskStore();
      let fail = true;
      const seen: string[] = [];
      const write = createAction({ id: 'test:big', async handler(ctx) { await writeFile(path.join(ctx.workspacePath, 'big.bin'), Buffer.alloc(size, 1)); } });
      const check = createAction({
        id: 'test:check',
        idempotent: true,
        async handler(ctx) {
          seen.push(String((await stat(path.join(ctx.workspacePath, 'big.bin'))).size));
          if (fail) throw new Error('flaky');
        },
      });
      const { scaffolder } = await scaffolderWith([write, check], { taskStore: store });
      const template = parseTemplate({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'b' }, spec: { steps: [{ id: 'w', action: 'test:big' }, { id: 'c', action: 'test:check' }] } });
      const task = await scaffolder.run(template);
      expect((await task.result).status).toBe('failed');
      expect((await store.getWorkspace(task.id)) !== undefined).toBe(size < 1024 * 1024);
      fail = false;
      const retried = await scaffolder.retryTask(task.id);
      expect((await retried.result).status).toBe('completed');
      expect(seen).toEqual([String(size), String(size)]);
      const messages = (await retried.listEvents()).map((e) => e.body.message);
      expect(messages).toContain(
        size < 1024 * 1024
          ? 'Resuming at step c: w finished in an earlier run and keep their outputs and workspace'
          : 'Starting over: the workspace before step c was not kept (too large, holding a secret, or never stored)',
      );
    }
  });
});

describe('recovery of a task whose worker died', () => {
  const crashed = async (store: TaskStore, strategy?: 'startOver' | 'none') => {
    const task = await store.createTask({ spec: spec([{ id: 'c', action: 'test:count' }], strategy ? { EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: strategy } } : {}) });
    await store.claimTask({ workerId: 'crashed', leaseMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    return task;
  };

  it('runs a startOver task again on another worker, and fails a task without a strategy (it can be retried)', async () => {
    const store = memoryTaskStore();
    let ran = 0;
    const count = createAction({ id: 'test:count', async handler() { ran++; } });
    const over = await crashed(store, 'startOver');
    const none = await crashed(store);
    const { scaffolder } = await scaffolderWith([count], { taskStore: store });
    await scaffolder.start();
    try {
      expect((await (await scaffolder.getTask(over.id))!.result).status).toBe('completed');
      expect(await (await scaffolder.getTask(none.id))!.result).toMatchObject({ status: 'failed', error: { message: RECOVERED_MESSAGE } });
      expect(ran).toBe(1);
      expect((await (await scaffolder.retryTask(none.id)).result).status).toBe('completed');
      expect(ran).toBe(2);
      const events = await (await scaffolder.getTask(over.id))!.listEvents();
      expect(events.map((e) => e.body.message)).toContain('Starting over from the first step (recovery strategy startOver); checkpoint results are reused');
    } finally {
      await scaffolder.stop();
    }
  });

  it('resumes a task whose worker died after its last step by rendering its output only', async () => {
    const store = memoryTaskStore();
    let ran = 0;
    const count = createAction({ id: 'test:count', async handler() { ran++; } });
    const task = await store.createTask({
      spec: spec([{ id: 'c', action: 'test:count' }], { output: { n: '${{ steps.c.output.n }}' }, EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: 'resume' } }),
    });
    await store.claimTask({ workerId: 'crashed', leaseMs: 20 });
    await store.saveState({ taskId: task.id, workerId: 'crashed', state: { checkpoints: {}, steps: [{ id: 'c', status: 'completed', output: { n: 5 } }] } });
    await new Promise((r) => setTimeout(r, 60));
    const { scaffolder } = await scaffolderWith([count], { taskStore: store });
    await scaffolder.start();
    try {
      expect(await (await scaffolder.getTask(task.id))!.result).toMatchObject({ status: 'completed', output: { n: 5 } });
      expect(ran).toBe(0);
    } finally {
      await scaffolder.stop();
    }
  });

  it('refuses a template whose recovery strategy is unknown', async () => {
    const { scaffolder } = await scaffolderWith([createAction({ id: 'test:count', async handler() {} })]);
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'r' },
      spec: { EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: 'sometimes' }, steps: [{ id: 'c', action: 'test:count' }] },
    });
    await expect(scaffolder.run(template)).rejects.toThrow(/EXPERIMENTAL_strategy: must be one of none, startOver, resume/);
  });
});

describe('sealed task secrets', () => {
  const use = createAction({
    id: 'test:use',
    async handler(ctx) {
      if (ctx.secrets.token !== SECRET) throw new Error(`wrong secret ${ctx.secrets.token}`);
      ctx.logger.info(`using ${ctx.secrets.token}`);
      ctx.output('ok', true);
    },
  });
  const secretSpec = spec([{ id: 'u', action: 'test:use' }], { hasSecrets: true });

  it('fails a task cleanly (typed, nothing in clear) when no configured key opens its secrets, or they were tampered with', async () => {
    const store = memoryTaskStore();
    const old = createSecretBox([{ id: 'old', key: key() }]);
    const rotatedOut = await store.createTask({ spec: secretSpec, sealedSecrets: old.seal({ token: SECRET }) });
    const same = createSecretBox([{ id: 'k1', key: key() }]);
    const sealed = same.seal({ token: SECRET });
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0]! ^= 1;
    const tampered = await store.createTask({ spec: secretSpec, sealedSecrets: { ...sealed, data: flipped.toString('base64') } });
    const relabelled = await store.createTask({ spec: secretSpec, sealedSecrets: { ...sealed, keyId: 'k2' } });
    const junk = await store.createTask({ spec: secretSpec, sealedSecrets: { keyId: 'k1', iv: '', data: '\u0000', tag: 'x' } as never });
    const { scaffolder, sink } = await scaffolderWith([use], { taskStore: store, secretKeys: [{ id: 'k1', key: key() }, { id: 'k2', key: key() }] });
    await scaffolder.start();
    try {
      for (const task of [rotatedOut, tampered, relabelled, junk]) {
        const result = await (await scaffolder.getTask(task.id))!.result;
        expect(result).toMatchObject({ status: 'failed', error: { name: 'TaskSecretsUnavailableError' } });
        expect((await store.getTask(task.id))!.sealedSecrets).toBeUndefined();
      }
      expect(JSON.stringify([sink.records, await store.list()])).not.toContain(SECRET);
    } finally {
      await scaffolder.stop();
    }
  });

  it('rotates keys: resealSecrets moves stored secrets to the first key, and a worker with only the new key runs the task', async () => {
    const store = memoryTaskStore();
    const k1 = { id: 'k1', key: key() };
    const k2 = { id: 'k2', key: key() };
    const task = await store.createTask({ spec: secretSpec, sealedSecrets: createSecretBox([k1]).seal({ token: SECRET }) });
    const { scaffolder: rotating } = await scaffolderWith([use], { taskStore: store, secretKeys: [k2, k1] });
    expect(await rotating.resealSecrets()).toBe(1);
    expect(await rotating.resealSecrets()).toBe(0);
    expect((await store.getTask(task.id))!.sealedSecrets?.keyId).toBe('k2');
    const { scaffolder: fresh, sink } = await scaffolderWith([use], { taskStore: store, secretKeys: [k2] });
    await fresh.start();
    try {
      expect(await (await fresh.getTask(task.id))!.result).toMatchObject({ status: 'completed', output: {} });
      const events = await (await fresh.getTask(task.id))!.listEvents();
      expect(events.map((e) => e.body.message)).toContain('using ***');
      expect(JSON.stringify([events, sink.records, await store.getTask(task.id)])).not.toContain(SECRET);
      expect((await store.getTask(task.id))!.sealedSecrets).toBeUndefined();
    } finally {
      await fresh.stop();
    }
  });

  it('keeps secrets in memory without keys, and says so at start', async () => {
    const { scaffolder, sink } = await scaffolderWith([use]);
    await scaffolder.start();
    await scaffolder.stop();
    expect(sink.records.map((r) => r.message)).toContainEqual(expect.stringContaining('no scaffolder.secrets.keys configured'));
    const template = parseTemplate({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 's' }, spec: { steps: [{ id: 'u', action: 'test:use' }] } });
    const store = memoryTaskStore();
    const { scaffolder: inMemory } = await scaffolderWith([use], { taskStore: store });
    const task = await inMemory.run(template, { secrets: { token: SECRET } });
    expect((await task.result).status).toBe('completed');
    expect((await store.getTask(task.id))!.sealedSecrets).toBeUndefined();
  });

  it('reads scaffolder.secrets.keys from the config, and refuses a malformed section', () => {
    const keys = [{ id: '2026-12', key: key() }];
    expect(scaffolderConfigSchema.parse({ secrets: { keys } }).secrets).toEqual({ keys });
    expect(scaffolderConfigSchema.safeParse({ secrets: { keys: [] } }).success).toBe(false);
    expect(scaffolderConfigSchema.safeParse({ secrets: { keys: [{ id: 'k' }] } }).success).toBe(false);
  });

  it('refuses bad keys at creation without echoing them', () => {
    const bad = 'c2hvcnQ=';
    expect(() => createSecretBox([{ id: 'k', key: bad }])).toThrow(/secretKeys\[0\] \(k\): key must be 32 bytes in base64/);
    try {
      createSecretBox([{ id: 'k', key: bad }]);
    } catch (error) {
      expect((error as Error).message).not.toContain(bad);
    }
    expect(() => createSecretBox([])).toThrow(/at least one key/);
    expect(() => createSecretBox([{ id: 'a b', key: key() }])).toThrow(/id must be/);
    const k = key();
    expect(() => createSecretBox([{ id: 'a', key: k }, { id: 'a', key: k }])).toThrow(/listed twice/);
  });
});

describe('retry permissions', () => {
  const jane: Principal = { type: 'user', subject: 'user:default/jane', userEntityRef: 'user:default/jane', ownershipEntityRefs: [], claims: {} };
  const bob: Principal = { type: 'user', subject: 'user:default/bob', userEntityRef: 'user:default/bob', ownershipEntityRefs: [], claims: {} };
  const carol: Principal = { type: 'user', subject: 'user:default/carol', userEntityRef: 'user:default/carol', ownershipEntityRefs: [], claims: {} };
  // jane and bob may create; bob reads only his own tasks; carol reads every task but may not create.
  const policy: PermissionPolicy = (principal, permission) => {
    if (permission.name === 'scaffolder.task.create') return { result: principal.subject === 'user:default/carol' ? 'DENY' : 'ALLOW' };
    if (permission.name === 'scaffolder.task.read' && principal.subject === 'user:default/bob') {
      return { result: 'CONDITIONAL', resourceType: 'scaffolder-task', conditions: { resourceType: 'scaffolder-task', rule: 'IS_TASK_OWNER', params: { createdBy: ['user:default/bob'] } } };
    }
    return { result: 'ALLOW' };
  };

  it('lets the creator retry; a principal that may not read the task gets 404, one that may not create gets 403; all audited', async () => {
    const audit: Array<{ action: string; outcome: string; target: string }> = [];
    const byToken: Record<string, Principal> = { jane, bob, carol };
    const auth = createPortalAuth({ identify: (r) => byToken[r.headers.get('authorization') ?? '']!, policy, audit: (e) => void audit.push(e) });
    let fail = true;
    const flaky = createAction({ id: 'test:flaky', async handler() { if (fail) throw new Error('flaky'); } });
    const { scaffolder } = await scaffolderWith([flaky], { auth });
    const template = parseTemplate({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'p' }, spec: { steps: [{ id: 'f', action: 'test:flaky' }] } });
    const task = await scaffolder.forPrincipal(jane).run(template);
    expect((await task.result).status).toBe('failed');
    const handler = scaffolder.handler({ basePath: '/api', getTemplate: async () => template });
    const retry = (as: string) => handler(new Request(`http://x/api/v2/tasks/${task.id}/retry`, { method: 'POST', headers: { authorization: as, 'content-type': 'application/json' }, body: '{}' }));
    expect((await retry('bob')).status).toBe(404);
    expect((await retry('carol')).status).toBe(403);
    const noJson = await handler(new Request(`http://x/api/v2/tasks/${task.id}/retry`, { method: 'POST', headers: { authorization: 'jane' }, body: '{}' }));
    expect(noJson.status).toBe(415);
    fail = false;
    const ok = await retry('jane');
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: task.id });
    expect((await (await scaffolder.getTask(task.id))!.result).status).toBe('completed');
    expect(audit.filter((e) => e.action === 'scaffolder.task.retry').map((e) => [e.outcome, e.target])).toEqual([
      ['denied', task.id],
      ['success', task.id],
    ]);
  });

  it("refuses a retry by anyone but the task's creator: the run would act with the creator's identity and action decision", async () => {
    // dave may read every task and create tasks, but may not run test:as-creator himself.
    const dave: Principal = { type: 'user', subject: 'user:default/dave', userEntityRef: 'user:default/dave', ownershipEntityRefs: [], claims: {} };
    const davePolicy: PermissionPolicy = (principal, permission) =>
      principal.subject === 'user:default/dave' && permission.name === 'scaffolder.action.execute' ? { result: 'DENY' } : { result: 'ALLOW' };
    const auth = createPortalAuth({ identify: () => dave, policy: davePolicy });
    const actedAs: string[] = [];
    let fail = true;
    const service = { who: 'host', forPrincipal: (p: Principal) => ({ who: p.subject, forPrincipal: service.forPrincipal }) };
    const asCreator = createAction({
      id: 'test:as-creator',
      async handler(ctx) {
        actedAs.push(ctx.asCreator!(service, 'test').who);
        if (fail) throw new Error('flaky');
      },
    });
    const { scaffolder } = await scaffolderWith([asCreator], { auth });
    const template = parseTemplate({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'p' }, spec: { steps: [{ id: 'f', action: 'test:as-creator' }] } });
    const byJane = await scaffolder.forPrincipal(jane).run(template);
    const byHost = await scaffolder.run(template);
    expect((await byJane.result).status).toBe('failed');
    expect((await byHost.result).status).toBe('failed');
    expect(actedAs).toEqual(['user:default/jane', 'host']);
    fail = false;
    const handler = scaffolder.handler({ basePath: '/api', getTemplate: async () => template });
    for (const id of [byJane.id, byHost.id]) {
      const res = await handler(new Request(`http://x/api/v2/tasks/${id}/retry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
      expect(res.status).toBe(403);
      expect((await (await scaffolder.getTask(id))!.get()).status).toBe('failed');
    }
    expect(actedAs).toEqual(['user:default/jane', 'host']);
    // The creator still may.
    await scaffolder.forPrincipal(jane).retryTask(byJane.id);
    expect((await (await scaffolder.getTask(byJane.id))!.result).status).toBe('completed');
    expect(actedAs.at(-1)).toBe('user:default/jane');
  });
});
