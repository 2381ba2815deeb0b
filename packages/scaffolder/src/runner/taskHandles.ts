import { InputError, serializeError } from '@portalkit/core';
import type { TaskRecord, TaskStatus } from '../types.js';
import type { TaskStore } from '../tasks/taskStore.js';
import type { DirectoryContent } from './directoryContents.js';
import type { TaskEventLog } from './taskEventLog.js';
import type { Task, TaskResult } from '../scaffolderTypes.js';

/** Makes the {@link Task} objects `run()`, `dryRun()` and `getTask()` return. */
export interface TaskHandles {
  /** A handle on `record`, reading and cancelling through `store`. */
  handle(store: TaskStore, record: TaskRecord): Task;
}

/** What handles need from the worker running the tasks. */
export interface TaskHandlesOptions {
  events: TaskEventLog;
  /** The status this process's worker last gave the task, fresher than the handle's record. */
  statusOf(taskId: string): TaskStatus | undefined;
  /** The files a dry run wrote, once it finished. */
  dryRunContentsOf(taskId: string): DirectoryContent[] | undefined;
  /** Abort the task if this process runs it (the store carries the request to other workers). */
  abort(taskId: string): void;
}

/** Create the task handle factory of one scaffolder. */
export function createTaskHandles({ events, statusOf, dryRunContentsOf, abort }: TaskHandlesOptions): TaskHandles {
  const toResult = (record: TaskRecord | undefined): TaskResult => {
    if (!record) return { status: 'failed', error: { name: 'NotFoundError', message: 'Task disappeared from the store' } };
    const status = record.status === 'completed' || record.status === 'cancelled' ? record.status : 'failed';
    const result: TaskResult = { status };
    if (record.output) result.output = record.output;
    if (record.error) result.error = record.error;
    const contents = dryRunContentsOf(record.id);
    if (contents) result.directoryContents = contents;
    return result;
  };

  const handle = (store: TaskStore, record: TaskRecord): Task => {
    let lastStatus = record.status;
    let result: Promise<TaskResult> | undefined;
    return {
      id: record.id,
      get status() {
        return statusOf(record.id) ?? lastStatus;
      },
      events: (opts) => events.follow(store, record.id, opts?.after ?? 0),
      listEvents: (opts) => store.listEvents({ taskId: record.id, after: opts?.after ?? 0 }),
      async cancel() {
        const updated = await store.cancel(record.id, 'Task cancelled by user');
        if (updated) lastStatus = updated.status;
        events.notify(record.id);
        abort(record.id);
      },
      get result() {
        // `result` never rejects: a store failure is reported as a failed task.
        result ??= (async () => {
          try {
            for await (const _event of events.follow(store, record.id)) {
              // Drain until completion.
            }
            const final = await store.getTask(record.id);
            if (final) lastStatus = final.status;
            return toResult(final);
          } catch (error) {
            return { status: 'failed' as const, error: serializeError(error) };
          }
        })();
        return result;
      },
      async get() {
        const current = await store.getTask(record.id);
        if (!current) throw new InputError(`Task ${record.id} no longer exists`);
        lastStatus = current.status;
        return current;
      },
    };
  };
  return { handle };
}
