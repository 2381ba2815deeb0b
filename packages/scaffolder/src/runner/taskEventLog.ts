import { EventEmitter } from 'node:events';
import type { Logger } from '@portalkit/core';
import type { TaskEvent, TaskEventBody, TaskEventType, TaskStatus } from '../types.js';
import type { TaskStore } from '../tasks/taskStore.js';

/** Appends a worker's task events in order and lets readers follow a task's events as they come. */
export interface TaskEventLog {
  /** Store an event; appends for one task are chained so they keep the order they were logged in. */
  append(store: TaskStore, taskId: string, type: TaskEventType, body: TaskEventBody): Promise<unknown>;
  /** Wait until every event appended so far for `taskId` is stored. */
  flush(taskId: string): Promise<void>;
  /** Wake readers of `taskId` (its events or status changed) instead of waiting for the next poll. */
  notify(taskId: string): void;
  /** Past events after `after`, then live ones, ending after the last `completion` event (a retry starts a new run). */
  follow(store: TaskStore, taskId: string, after?: number): AsyncGenerator<TaskEvent>;
}

/** Options of {@link createTaskEventLog}. */
export interface TaskEventLogOptions {
  logger: Logger;
  /** How long a reader waits for a change before it polls the store again (other processes write there too). */
  pollIntervalMs: number;
}

const terminal = new Set<TaskStatus>(['completed', 'failed', 'cancelled']);

/** Create the event log of one scaffolder. */
export function createTaskEventLog({ logger, pollIntervalMs }: TaskEventLogOptions): TaskEventLog {
  const notifier = new EventEmitter();
  notifier.setMaxListeners(0);
  const versions = new Map<string, number>();
  const appendChains = new Map<string, Promise<unknown>>();

  const notify = (taskId: string) => {
    versions.set(taskId, (versions.get(taskId) ?? 0) + 1);
    notifier.emit(taskId);
  };

  const waitForChange = (taskId: string, since: number | undefined) =>
    new Promise<void>((resolve) => {
      if ((versions.get(taskId) ?? 0) !== since) return resolve();
      const done = () => {
        clearTimeout(timer);
        notifier.off(taskId, done);
        resolve();
      };
      const timer = setTimeout(done, pollIntervalMs);
      notifier.on(taskId, done);
    });

  async function* follow(store: TaskStore, taskId: string, after = 0): AsyncGenerator<TaskEvent> {
    let last = after;
    for (;;) {
      const version = versions.get(taskId) ?? 0;
      const batch = await store.listEvents({ taskId, after: last });
      for (const [index, event] of batch.entries()) {
        last = event.id;
        yield event;
        // A completion followed by a `recovered` event ended a run that was retried: follow the next run.
        if (event.type === 'completion') {
          const later = index + 1 < batch.length ? batch.slice(index + 1) : await store.listEvents({ taskId, after: event.id });
          if (!later.some((e) => e.type === 'recovered')) return;
        }
      }
      if (batch.length === 0) {
        const record = await store.getTask(taskId);
        if (!record) return;
        if (terminal.has(record.status)) {
          // Finished but the completion event was already read by an earlier `after`.
          const rest = await store.listEvents({ taskId, after: last });
          for (const event of rest) yield event;
          return;
        }
      }
      await waitForChange(taskId, version);
    }
  }

  return {
    append(store, taskId, type, body) {
      const previous = appendChains.get(taskId) ?? Promise.resolve();
      const next = previous
        .then(() => store.appendEvent({ taskId, type, body }))
        .then(() => notify(taskId))
        .catch((error: unknown) => logger.error('scaffolder: could not store a task event', { taskId, error }));
      appendChains.set(taskId, next);
      return next;
    },
    async flush(taskId) {
      await appendChains.get(taskId);
      appendChains.delete(taskId);
    },
    notify,
    follow,
  };
}
