import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@portalkit/core';
import { createAction } from '../actions/createAction.js';
import { memoryTaskStore } from '../tasks/memoryTaskStore.js';
import type { TaskStore } from '../tasks/taskStore.js';
import { createTemplater } from '../render/templater.js';
import type { ScaffolderAction, TaskSpec } from '../types.js';
import { tempDir } from '../test-support.js';
import { createTaskEventLog } from './taskEventLog.js';
import { createTaskWorker } from './taskWorker.js';
import type { TaskWorkerOptions } from './taskWorker.js';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const spec = (extra: Partial<TaskSpec> = {}): TaskSpec => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  parameters: {},
  steps: [{ id: 'wait', action: 'test:wait' }],
  output: {},
  templateInfo: { entityRef: 'template:default/t' },
  ...extra,
});

// `test:wait` runs until released (or aborted); `running` counts the runs in progress.
function gate() {
  let running = 0;
  let peak = 0;
  const waiters: Array<() => void> = [];
  const action = createAction({
    id: 'test:wait',
    async handler(ctx) {
      running += 1;
      peak = Math.max(peak, running);
      try {
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason ?? new Error('aborted')));
        });
      } finally {
        running -= 1;
      }
    },
  }) as ScaffolderAction;
  return {
    action,
    started: async (count: number) => vi.waitFor(() => expect(waiters.length).toBeGreaterThanOrEqual(count)),
    releaseAll: () => waiters.splice(0).forEach((release) => release()),
    peak: () => peak,
  };
}

let workingDirectory: string;
beforeEach(async () => {
  workingDirectory = path.join(await tempDir(), 'work');
});
afterEach(() => vi.restoreAllMocks());

function workerOn(store: TaskStore, actions: ScaffolderAction[], extra: Partial<TaskWorkerOptions> = {}) {
  const events = createTaskEventLog({ logger, pollIntervalMs: 60_000 });
  return createTaskWorker({
    store,
    actions: new Map(actions.map((a) => [a.id, a])),
    render: createTemplater(),
    events,
    logger,
    concurrency: 2,
    leaseMs: 60_000,
    workingDirectory,
    keepWorkspaces: false,
    ...extra,
  });
}

describe('createTaskWorker', () => {
  it('claims up to its concurrency, then the next queued task as one finishes; drain waits for them', async () => {
    const store = memoryTaskStore();
    const g = gate();
    const worker = workerOn(store, [g.action]);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await store.createTask({ spec: spec() })).id);
    await worker.pump();
    await g.started(2);
    expect((await store.getTask(ids[2]!))!.status).toBe('open');
    g.releaseAll();
    await g.started(1);
    g.releaseAll();
    await worker.drain();
    for (const id of ids) expect((await store.getTask(id))!.status).toBe('completed');
    expect(g.peak()).toBe(2);
    expect(worker.statusOf(ids[0]!)).toBe('completed');
  });

  it('aborts a task cancelled elsewhere (seen by a heartbeat) as cancelled, and one whose lease was lost as failed', async () => {
    const g = gate();
    for (const [beat, status] of [
      [{ owned: true, cancelRequested: true }, 'cancelled'],
      [{ owned: false, cancelRequested: false }, 'failed'],
    ] as const) {
      const store = memoryTaskStore();
      const complete = vi.spyOn(store, 'completeTask');
      store.heartbeat = async () => beat;
      const worker = workerOn(store, [g.action], { leaseMs: 30 });
      const { id } = await store.createTask({ spec: spec() });
      await worker.pump();
      await worker.drain();
      expect(complete).toHaveBeenCalledWith(expect.objectContaining({ taskId: id, status }));
      expect(worker.statusOf(id)).toBe(status);
    }
  });

  it('aborts a task running here on abort(), and fails a task whose secrets it never held', async () => {
    const store = memoryTaskStore();
    const g = gate();
    const worker = workerOn(store, [g.action]);
    const { id } = await store.createTask({ spec: spec() });
    await worker.pump();
    await g.started(1);
    worker.abort(id);
    await worker.drain();
    expect((await store.getTask(id))!.status).toBe('cancelled');

    worker.resume();
    const secret = await store.createTask({ spec: spec({ hasSecrets: true }) });
    await worker.pump();
    await worker.drain();
    const record = (await store.getTask(secret.id))!;
    expect(record.status).toBe('failed');
    expect(record.error?.message).toMatch(/secrets of this task are unavailable/);
  });

  it('redacts kept secrets from the output and forgets them after the run', async () => {
    const store = memoryTaskStore();
    const echo = createAction({ id: 'test:echo', handler: (ctx) => ctx.output('value', 'token s3cr3t') }) as ScaffolderAction;
    const worker = workerOn(store, [echo]);
    const { id } = await store.createTask({
      spec: spec({ hasSecrets: true, steps: [{ id: 'echo', action: 'test:echo' }], output: { value: '${{ steps.echo.output.value }}' } }),
    });
    worker.keepSecrets(id, { token: 's3cr3t' });
    await worker.pump();
    await worker.drain();
    const record = (await store.getTask(id))!;
    expect(record.status).toBe('completed');
    expect(record.output).toEqual({ value: '***' });
  });

  it('recovers expired tasks at most once per lease length', async () => {
    const store = memoryTaskStore();
    const recover = vi.spyOn(store, 'recoverExpired');
    const worker = workerOn(store, []);
    await worker.recoverExpired();
    await worker.recoverExpired();
    expect(recover).toHaveBeenCalledTimes(1);
  });
});
