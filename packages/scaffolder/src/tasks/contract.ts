import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TASK_RECOVERIES } from '../types.js';
import type { SealedSecrets, TaskSpec, TaskState } from '../types.js';
import type { TaskStore } from './taskStore.js';
import { type TaskFilter, taskMatchesFilter } from '../permissions/taskFilter.js';

/** How the contract suite gets a fresh, empty store (and disposes of it). */
export interface TaskStoreContractOptions {
  name: string;
  create(): Promise<{ store: TaskStore; dispose?: () => Promise<void> }>;
  /** A reason to skip the whole suite (e.g. no database), reported in the test name. */
  skip?: string | false;
}

const spec = (name = 'x'): TaskSpec => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: { name },
  steps: [{ id: 's', action: 'debug:log' }],
  output: {},
  templateInfo: { entityRef: 'template:default/t' },
});

const recoverable = (strategy: 'startOver' | 'resume'): TaskSpec => ({ ...spec(strategy), EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: strategy } });
const sealed = (n: string): SealedSecrets => ({ keyId: 'k1', iv: `iv${n}`, data: `data${n}`, tag: `tag${n}` });
const state = (id: string): TaskState => ({ checkpoints: { [`v1.task.checkpoint.${id}.k`]: { status: 'success', value: { n: 1 } } }, steps: [{ id, status: 'completed', output: { x: 'y' } }] });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviour every {@link TaskStore} must have. Call it from a `*.test.ts` file.
 * @example
 * ```ts
 * runTaskStoreContract({ name: 'memory', create: async () => ({ store: memoryTaskStore() }) });
 * ```
 */
export function runTaskStoreContract(options: TaskStoreContractOptions): void {
  const title = options.skip ? `${options.name} task store contract (skipped: ${options.skip})` : `${options.name} task store contract`;
  (options.skip ? describe.skip : describe)(title, () => {
    let store: TaskStore;
    let dispose: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ store, dispose } = await options.create());
    });
    afterEach(async () => {
      await dispose?.();
    });

    it('creates, gets and lists tasks without secrets', async () => {
      const a = await store.createTask({ spec: spec('a'), createdBy: 'user:default/jane' });
      const b = await store.createTask({ spec: spec('b') });
      expect(a.status).toBe('open');
      expect(a.cancelRequested).toBe(false);
      expect(await store.getTask(a.id)).toMatchObject({ id: a.id, status: 'open', createdBy: 'user:default/jane', spec: spec('a') });
      expect(await store.getTask('nope')).toBeUndefined();
      const all = await store.list();
      expect(all.totalTasks).toBe(2);
      expect(all.tasks.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
      const mine = await store.list({ createdBy: 'user:default/jane' });
      expect(mine.tasks.map((t) => t.id)).toEqual([a.id]);
      expect((await store.list({ limit: 1 })).tasks).toHaveLength(1);
      expect((await store.list({ limit: 1 })).totalTasks).toBe(2);
    });

    it('lists tasks having any of several statuses, counted and paged in the query', async () => {
      const open = await store.createTask({ spec: spec('open') });
      const done = await store.createTask({ spec: spec('done') });
      const gone = await store.createTask({ spec: spec('gone') });
      await store.completeTask({ taskId: done.id, status: 'completed', message: 'done' });
      await store.completeTask({ taskId: gone.id, status: 'failed', message: 'failed' });
      const ids = async (options: Parameters<TaskStore['list']>[0]) => (await store.list(options)).tasks.map((t) => t.id).sort();
      expect(await ids({ status: ['open', 'failed'] })).toEqual([open.id, gone.id].sort());
      expect(await ids({ status: ['completed'] })).toEqual([done.id]);
      expect(await ids({ status: [] })).toEqual([]);
      expect((await store.list({ status: ['open', 'completed', 'failed'], limit: 1, offset: 1 })).totalTasks).toBe(3);
      expect(await ids({ status: ['open', 'x\u0000' as never] })).toEqual([open.id]);
    });

    it('filters lists by a permission filter in the query: totals and pages count only matching tasks', async () => {
      const jane = 'user:default/jane';
      const bob = 'user:default/bob';
      const made = [];
      for (const [i, createdBy] of [jane, bob, jane, undefined, bob, jane, 'user:default/JANE'].entries()) {
        made.push(await store.createTask({ spec: spec(String(i)), ...(createdBy !== undefined ? { createdBy } : {}) }));
      }
      const filters: TaskFilter[] = [
        { createdBy: [jane] },
        { createdBy: [] },
        { createdBy: [bob, jane] },
        { createdBy: ['\u0000', jane] },
        { not: { createdBy: [jane] } },
        { allOf: [] },
        { anyOf: [] },
        { allOf: [{ not: { createdBy: [bob] } }, { anyOf: [{ createdBy: [jane] }, { not: { createdBy: [jane, bob] } }] }] },
      ];
      for (const filter of filters) {
        const expected = made.filter((t) => taskMatchesFilter(t, filter)).map((t) => t.id).sort();
        const all = await store.list({ filter });
        expect({ filter, ids: all.tasks.map((t) => t.id).sort(), total: all.totalTasks }).toEqual({ filter, ids: expected, total: expected.length });
        const page = await store.list({ filter, limit: 2, offset: 1 });
        expect(page.totalTasks).toBe(expected.length);
        expect(page.tasks.every((t) => expected.includes(t.id))).toBe(true);
        expect(page.tasks).toHaveLength(Math.max(0, Math.min(2, expected.length - 1)));
      }
      expect((await store.list({ filter: { createdBy: [jane] }, createdBy: bob })).totalTasks).toBe(0);
    });

    it('stores the creator\'s action decision with the task', async () => {
      const actionDecision = {
        result: 'CONDITIONAL' as const,
        resourceType: 'scaffolder-action',
        conditions: { not: { resourceType: 'scaffolder-action', rule: 'HAS_ACTION_ID', params: { actionId: 'publish:git' } } },
      };
      const task = await store.createTask({ spec: spec(), createdBy: 'user:default/jane', actionDecision });
      expect(task.actionDecision).toEqual(actionDecision);
      expect((await store.getTask(task.id))?.actionDecision).toEqual(actionDecision);
      expect((await store.claimTask({ workerId: 'w1', leaseMs: 10_000 }))?.actionDecision).toEqual(actionDecision);
      expect((await store.createTask({ spec: spec() })).actionDecision).toBeUndefined();
    });

    it('stores who the task acts as', async () => {
      const creator = {
        type: 'principal' as const,
        principal: { type: 'user' as const, subject: 'jane', userEntityRef: 'user:default/jane', ownershipEntityRefs: ['group:default/a'], claims: {} },
        policy: true,
      };
      const task = await store.createTask({ spec: spec(), createdBy: 'user:default/jane', creator });
      expect(task.creator).toEqual(creator);
      expect((await store.getTask(task.id))?.creator).toEqual(creator);
      expect((await store.claimTask({ workerId: 'w1', leaseMs: 10_000 }))?.creator).toEqual(creator);
      expect((await store.createTask({ spec: spec(), creator: { type: 'host' } })).creator).toEqual({ type: 'host' });
      expect((await store.createTask({ spec: spec() })).creator).toBeUndefined();
    });

    it('answers ids no task can have (NUL, lone surrogate, not a UUID, 10,000 characters) as unknown', async () => {
      const task = await store.createTask({ spec: spec('a'), createdBy: 'user:default/jane' });
      for (const id of ['\u0000', `${task.id}\u0000`, '\ud800', 'not-a-uuid', 'x'.repeat(10_000)]) {
        expect(await store.getTask(id)).toBeUndefined();
        expect(await store.listEvents({ taskId: id })).toEqual([]);
        expect(await store.cancel(id)).toBeUndefined();
        expect(await store.completeTask({ taskId: id, status: 'failed', message: 'x' })).toBe(false);
        expect(await store.heartbeat({ taskId: id, workerId: 'w', leaseMs: 1000 })).toEqual({ owned: false, cancelRequested: false });
      }
      expect(await store.list({ createdBy: 'user:default/jane\u0000' })).toEqual({ tasks: [], totalTasks: 0 });
      // A worker id no worker can have owns nothing.
      expect((await store.claimTask({ workerId: 'w1', leaseMs: 60_000 }))?.id).toBe(task.id);
      expect(await store.heartbeat({ taskId: task.id, workerId: 'w1\u0000', leaseMs: 1000 })).toEqual({ owned: false, cancelRequested: false });
      expect(await store.completeTask({ taskId: task.id, workerId: 'w1\u0000', status: 'failed', message: 'x' })).toBe(false);
      expect(await store.getTask(task.id)).toMatchObject({ status: 'processing', claimedBy: 'w1' });
    });

    it('claims the oldest open task once, even when workers race', async () => {
      const first = await store.createTask({ spec: spec('1') });
      const second = await store.createTask({ spec: spec('2') });
      const claims = await Promise.all([
        store.claimTask({ workerId: 'w1', leaseMs: 10_000 }),
        store.claimTask({ workerId: 'w2', leaseMs: 10_000 }),
        store.claimTask({ workerId: 'w3', leaseMs: 10_000 }),
      ]);
      const claimed = claims.filter((c) => c !== undefined);
      expect(claimed.map((c) => c.id).sort()).toEqual([first.id, second.id].sort());
      const firstClaim = claimed.find((c) => c.id === first.id)!;
      expect(firstClaim.status).toBe('processing');
      expect(firstClaim.leaseExpiresAt).toBeDefined();
      expect(await store.claimTask({ workerId: 'w4', leaseMs: 10_000 })).toBeUndefined();
    });

    it('heartbeats extend the lease only for the owner', async () => {
      const task = await store.createTask({ spec: spec() });
      const claimed = (await store.claimTask({ workerId: 'w1', leaseMs: 1_000 }))!;
      expect(claimed.id).toBe(task.id);
      await sleep(5);
      expect(await store.heartbeat({ taskId: task.id, workerId: 'w1', leaseMs: 60_000 })).toEqual({ owned: true, cancelRequested: false });
      const after = (await store.getTask(task.id))!;
      expect(Date.parse(after.leaseExpiresAt!)).toBeGreaterThan(Date.parse(claimed.leaseExpiresAt!));
      expect((await store.heartbeat({ taskId: task.id, workerId: 'other', leaseMs: 60_000 })).owned).toBe(false);
    });

    it('appends and lists events in order, after an id', async () => {
      const task = await store.createTask({ spec: spec() });
      const e1 = await store.appendEvent({ taskId: task.id, type: 'log', body: { message: 'one', stepId: 's' } });
      const e2 = await store.appendEvent({ taskId: task.id, type: 'log', body: { message: 'two' } });
      expect(e2.id).toBeGreaterThan(e1.id);
      expect(e1).toMatchObject({ taskId: task.id, type: 'log', body: { message: 'one', stepId: 's' } });
      expect(typeof e1.createdAt).toBe('string');
      expect((await store.listEvents({ taskId: task.id })).map((e) => e.body.message)).toEqual(['one', 'two']);
      expect((await store.listEvents({ taskId: task.id, after: e1.id })).map((e) => e.body.message)).toEqual(['two']);
    });

    it('completes a task with a completion event, once, by its owner', async () => {
      const task = await store.createTask({ spec: spec() });
      await store.claimTask({ workerId: 'w1', leaseMs: 10_000 });
      expect(await store.completeTask({ taskId: task.id, workerId: 'intruder', status: 'completed', message: 'x' })).toBe(false);
      expect(await store.completeTask({ taskId: task.id, workerId: 'w1', status: 'completed', output: { a: 1 }, message: 'done' })).toBe(true);
      expect(await store.completeTask({ taskId: task.id, workerId: 'w1', status: 'failed', message: 'again' })).toBe(false);
      const done = (await store.getTask(task.id))!;
      expect(done.status).toBe('completed');
      expect(done.output).toEqual({ a: 1 });
      expect(done.completedAt).toBeDefined();
      const events = await store.listEvents({ taskId: task.id });
      expect(events.map((e) => e.type)).toEqual(['completion']);
      expect(events[0]!.body).toMatchObject({ message: 'done', status: 'completed', output: { a: 1 } });
    });

    it('stores failures with their serialized error', async () => {
      const task = await store.createTask({ spec: spec() });
      await store.claimTask({ workerId: 'w1', leaseMs: 10_000 });
      await store.completeTask({ taskId: task.id, workerId: 'w1', status: 'failed', error: { name: 'InputError', message: 'bad' }, message: 'failed' });
      expect((await store.getTask(task.id))!.error).toEqual({ name: 'InputError', message: 'bad' });
    });

    it('cancels open tasks at once and flags running ones', async () => {
      const open = await store.createTask({ spec: spec('open') });
      const cancelled = (await store.cancel(open.id))!;
      expect(cancelled.status).toBe('cancelled');
      expect((await store.listEvents({ taskId: open.id })).map((e) => e.type)).toEqual(['cancelled', 'completion']);
      expect(await store.claimTask({ workerId: 'w1', leaseMs: 10_000 })).toBeUndefined();

      const running = await store.createTask({ spec: spec('running') });
      await store.claimTask({ workerId: 'w1', leaseMs: 10_000 });
      const flagged = (await store.cancel(running.id))!;
      expect(flagged.status).toBe('processing');
      expect(flagged.cancelRequested).toBe(true);
      expect(await store.heartbeat({ taskId: running.id, workerId: 'w1', leaseMs: 10_000 })).toEqual({ owned: true, cancelRequested: true });
      await store.cancel(running.id);
      expect((await store.listEvents({ taskId: running.id })).map((e) => e.type)).toEqual(['cancelled']);
      expect(await store.completeTask({ taskId: running.id, workerId: 'w1', status: 'cancelled', message: 'stopped' })).toBe(true);
      expect((await store.getTask(running.id))!.status).toBe('cancelled');
      expect(await store.cancel('missing')).toBeUndefined();
    });

    it('recovers tasks whose lease expired, and never loses them', async () => {
      const crashed = await store.createTask({ spec: spec('crashed') });
      const alive = await store.createTask({ spec: spec('alive') });
      await store.claimTask({ workerId: 'dead', leaseMs: 30 });
      await store.claimTask({ workerId: 'alive', leaseMs: 60_000 });
      await sleep(80);
      expect(await store.recoverExpired()).toEqual([crashed.id]);
      const recovered = (await store.getTask(crashed.id))!;
      expect(recovered.status).toBe('failed');
      expect(recovered.error?.message).toMatch(/lease expired/);
      const events = await store.listEvents({ taskId: crashed.id });
      expect(events.map((e) => e.type)).toEqual(['recovered', 'completion']);
      expect((await store.heartbeat({ taskId: crashed.id, workerId: 'dead', leaseMs: 1000 })).owned).toBe(false);
      expect(await store.completeTask({ taskId: crashed.id, workerId: 'dead', status: 'completed', message: 'late' })).toBe(false);
      expect((await store.getTask(alive.id))!.status).toBe('processing');
      expect(await store.recoverExpired()).toEqual([]);
    });

    it('queues a task whose worker died again per its recovery strategy, at most MAX_TASK_RECOVERIES times, then fails it', async () => {
      const again = await store.createTask({ spec: recoverable('resume'), sealedSecrets: sealed('a') });
      for (let round = 1; round <= MAX_TASK_RECOVERIES; round++) {
        expect((await store.claimTask({ workerId: `dead${round}`, leaseMs: 20 }))?.id).toBe(again.id);
        await sleep(50);
        expect(await store.recoverExpired()).toEqual([again.id]);
        const record = (await store.getTask(again.id))!;
        expect(record).toMatchObject({ status: 'open', resumeMode: 'resume', recoveries: round, sealedSecrets: sealed('a') });
        expect(record.claimedBy).toBeUndefined();
        expect(await store.completeTask({ taskId: again.id, workerId: `dead${round}`, status: 'completed', message: 'late' })).toBe(false);
      }
      await store.claimTask({ workerId: 'last', leaseMs: 20 });
      await sleep(50);
      expect(await store.recoverExpired()).toEqual([again.id]);
      const failed = (await store.getTask(again.id))!;
      expect(failed.status).toBe('failed');
      expect(failed.sealedSecrets).toBeUndefined();
      const types = (await store.listEvents({ taskId: again.id })).map((e) => e.type);
      expect(types).toEqual([...Array(MAX_TASK_RECOVERIES).fill('recovered'), 'recovered', 'completion']);
      expect((await store.listEvents({ taskId: again.id }))[0]!.body).toMatchObject({ status: 'open', recoverStrategy: 'resume' });

      const over = await store.createTask({ spec: recoverable('startOver') });
      await store.claimTask({ workerId: 'dead', leaseMs: 20 });
      await sleep(50);
      await store.recoverExpired();
      expect(await store.getTask(over.id)).toMatchObject({ status: 'open', resumeMode: 'startOver' });
    });

    it('retries failed and cancelled tasks only, with new sealed secrets and a recovered event', async () => {
      const task = await store.createTask({ spec: spec(), sealedSecrets: sealed('1') });
      await expect(store.retryTask({ taskId: task.id })).rejects.toMatchObject({ name: 'ConflictError' });
      await store.claimTask({ workerId: 'w1', leaseMs: 10_000 });
      await expect(store.retryTask({ taskId: task.id })).rejects.toMatchObject({ name: 'ConflictError' });
      await store.completeTask({ taskId: task.id, workerId: 'w1', status: 'failed', error: { name: 'Error', message: 'boom' }, message: 'failed' });
      expect((await store.getTask(task.id))!.sealedSecrets).toBeUndefined();
      const retried = (await store.retryTask({ taskId: task.id, sealedSecrets: sealed('2') }))!;
      expect(retried).toMatchObject({ id: task.id, status: 'open', resumeMode: 'resume', cancelRequested: false, sealedSecrets: sealed('2') });
      expect(retried.error).toBeUndefined();
      expect(retried.completedAt).toBeUndefined();
      expect((await store.listEvents({ taskId: task.id })).map((e) => e.type)).toEqual(['completion', 'recovered']);
      expect((await store.claimTask({ workerId: 'w2', leaseMs: 10_000 }))?.id).toBe(task.id);
      expect(await store.completeTask({ taskId: task.id, workerId: 'w2', status: 'completed', message: 'done' })).toBe(true);
      await expect(store.retryTask({ taskId: task.id })).rejects.toMatchObject({ name: 'ConflictError' });

      const cancelled = await store.createTask({ spec: spec() });
      await store.cancel(cancelled.id);
      expect((await store.retryTask({ taskId: cancelled.id }))?.status).toBe('open');
      expect(await store.retryTask({ taskId: 'missing' })).toBeUndefined();
      expect(await store.retryTask({ taskId: '\u0000' })).toBeUndefined();
    });

    it('stores state and the workspace for the lease holder only; a failed task keeps its workspace, a completed one does not', async () => {
      const task = await store.createTask({ spec: spec() });
      expect(await store.saveState({ taskId: task.id, workerId: 'w1', state: state('a') })).toBe(false); // not claimed
      await store.claimTask({ workerId: 'w1', leaseMs: 10_000 });
      const bytes = new Uint8Array([0, 1, 2, 255]);
      expect(await store.saveState({ taskId: task.id, workerId: 'other', state: state('x'), workspace: bytes })).toBe(false);
      expect(await store.saveState({ taskId: task.id, workerId: 'w1\u0000', state: state('x') })).toBe(false);
      expect(await store.getWorkspace(task.id)).toBeUndefined();
      expect(await store.saveState({ taskId: task.id, workerId: 'w1', state: state('a'), workspace: bytes })).toBe(true);
      expect(await store.saveState({ taskId: task.id, workerId: 'w1', state: state('b') })).toBe(true); // workspace kept
      expect((await store.getTask(task.id))!.state).toEqual(state('b'));
      expect(Array.from((await store.getWorkspace(task.id))!)).toEqual([0, 1, 2, 255]);
      await store.completeTask({ taskId: task.id, workerId: 'w1', status: 'failed', message: 'failed' });
      expect(Array.from((await store.getWorkspace(task.id)) ?? [])).toEqual([0, 1, 2, 255]);
      expect((await store.getTask(task.id))!.state).toEqual(state('b'));
      await store.retryTask({ taskId: task.id });
      await store.claimTask({ workerId: 'w2', leaseMs: 10_000 });
      expect(await store.saveState({ taskId: task.id, workerId: 'w2', state: state('c'), workspace: null })).toBe(true);
      expect(await store.getWorkspace(task.id)).toBeUndefined();
      await store.saveState({ taskId: task.id, workerId: 'w2', state: state('c'), workspace: bytes });
      await store.completeTask({ taskId: task.id, workerId: 'w2', status: 'completed', message: 'done' });
      expect(await store.getWorkspace(task.id)).toBeUndefined();
      expect(await store.getWorkspace('\u0000')).toBeUndefined();
    });

    it('keeps sealed secrets until the task ends, deletes them on every ending, and reseals the stored ones', async () => {
      const done = await store.createTask({ spec: spec('done'), sealedSecrets: sealed('d') });
      const open = await store.createTask({ spec: spec('open'), sealedSecrets: sealed('o') });
      const plain = await store.createTask({ spec: spec('plain') });
      expect((await store.getTask(done.id))!.sealedSecrets).toEqual(sealed('d'));
      expect(plain.sealedSecrets).toBeUndefined();
      expect((await store.claimTask({ workerId: 'w1', leaseMs: 10_000 }))?.sealedSecrets).toEqual(sealed('d'));
      const seen: SealedSecrets[] = [];
      expect(await store.resealSecrets((s) => (seen.push(s), s.iv === 'ivo' ? sealed('O') : undefined))).toBe(1);
      expect(seen.map((s) => s.iv).sort()).toEqual(['ivd', 'ivo']);
      expect((await store.getTask(open.id))!.sealedSecrets).toEqual(sealed('O'));
      await store.completeTask({ taskId: done.id, workerId: 'w1', status: 'completed', message: 'done' });
      await store.cancel(open.id);
      for (const id of [done.id, open.id]) expect((await store.getTask(id))!.sealedSecrets).toBeUndefined();
      expect(await store.resealSecrets(() => sealed('x'))).toBe(0);
    });
  });
}
