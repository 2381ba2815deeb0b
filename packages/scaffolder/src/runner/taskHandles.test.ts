import { describe, expect, it, vi } from 'vitest';
import { InputError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import { memoryTaskStore } from '../tasks/memoryTaskStore.js';
import type { TaskSpec, TaskStatus } from '../types.js';
import type { DirectoryContent } from './directoryContents.js';
import { createTaskEventLog } from './taskEventLog.js';
import { createTaskHandles } from './taskHandles.js';

const spec: TaskSpec = { apiVersion: 'scaffolder.backstage.io/v1beta3', parameters: {}, steps: [], output: {}, templateInfo: { entityRef: 'template:default/t' } };
const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

function setup() {
  const store = memoryTaskStore();
  const events = createTaskEventLog({ logger, pollIntervalMs: 60_000 });
  const statuses = new Map<string, TaskStatus>();
  const contents = new Map<string, DirectoryContent[]>();
  const abort = vi.fn();
  const handles = createTaskHandles({ events, statusOf: (id) => statuses.get(id), dryRunContentsOf: (id) => contents.get(id), abort });
  return { store, events, statuses, contents, abort, handles };
}

describe('createTaskHandles', () => {
  it('resolves result with the stored output and dry-run files once the task completes', async () => {
    const { store, events, contents, handles } = setup();
    const record = await store.createTask({ spec });
    const task = handles.handle(store, record);
    expect(task.status).toBe('open');
    await store.claimTask({ workerId: 'w', leaseMs: 60_000 });
    contents.set(record.id, [{ path: 'a.txt', base64Content: 'YQ==', executable: false, size: 1 }]);
    await store.completeTask({ taskId: record.id, workerId: 'w', status: 'completed', output: { url: 'x' }, message: 'done' });
    events.notify(record.id);
    await expect(task.result).resolves.toEqual({ status: 'completed', output: { url: 'x' }, directoryContents: contents.get(record.id) });
    expect(task.status).toBe('completed');
    expect(task.result).toBe(task.result);
  });

  it('prefers the worker’s status to the record it was made from', async () => {
    const { store, statuses, handles } = setup();
    const record = await store.createTask({ spec });
    const task = handles.handle(store, record);
    statuses.set(record.id, 'processing');
    expect(task.status).toBe('processing');
  });

  it('cancels through the store, then aborts the local run', async () => {
    const { store, abort, handles } = setup();
    const record = await store.createTask({ spec });
    const task = handles.handle(store, record);
    await task.cancel();
    expect(abort).toHaveBeenCalledWith(record.id);
    expect(task.status).toBe('cancelled');
    await expect(task.result).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('never rejects result: a store failure is a failed task; get() of a vanished task is an InputError', async () => {
    const { store, handles } = setup();
    const record = await store.createTask({ spec });
    const task = handles.handle(store, record);
    store.listEvents = () => Promise.reject(new Error('connection reset'));
    store.getTask = () => Promise.resolve(undefined);
    await expect(task.result).resolves.toMatchObject({ status: 'failed', error: { message: 'connection reset' } });
    await expect(task.get()).rejects.toBeInstanceOf(InputError);
  });
});
