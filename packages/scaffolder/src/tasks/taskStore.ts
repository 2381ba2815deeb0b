import type { JsonObject, TaskCreator, TaskEvent, TaskEventBody, TaskEventType, TaskRecord, TaskSpec, TaskStatus } from '../types.js';
import type { PolicyDecision, SerializedError } from '@portalkit/core';
import type { TaskFilter } from '../permissions/taskFilter.js';

/** Filter of {@link TaskStore.list}. */
export interface TaskListOptions {
  /** One status, or any of several (Backstage's repeated `?status=`). */
  status?: TaskStatus | TaskStatus[];
  createdBy?: string;
  /**
   * Only tasks matching this filter, applied in the store's query so `totalTasks` and pages
   * count only them (what a `scaffolder.task.read` condition becomes).
   */
  filter?: TaskFilter;
  limit?: number;
  offset?: number;
}

/** How a task ends: `completeTask` stores it and appends the `completion` event atomically. */
export interface TaskCompletion {
  taskId: string;
  /** Only the worker holding the lease may complete a `processing` task. */
  workerId?: string;
  status: 'completed' | 'failed' | 'cancelled';
  output?: JsonObject;
  error?: SerializedError;
  message: string;
}

/**
 * Where scaffolder tasks and their events live. Secrets are never given to a store.
 * Implementations: {@link memoryTaskStore}, {@link pgliteTaskStore}, {@link postgresTaskStore}; all run
 * `src/tasks/contract.ts`.
 *
 * @example
 * ```ts
 * const store: TaskStore = memoryTaskStore();
 * const task = await store.createTask({ spec });
 * const claimed = await store.claimTask({ workerId: 'w1', leaseMs: 30_000 });
 * ```
 */
export interface TaskStore {
  /**
   * Store a new `open` task. `actionDecision` (the creator's `scaffolder.action.execute`
   * decision) must be stored and returned with the record: without it a worker under a policy
   * refuses to run the task. `creator` (who the task acts as) must be stored and returned too:
   * without it a worker under a policy refuses to run the task's catalog actions.
   */
  createTask(options: { spec: TaskSpec; createdBy?: string; actionDecision?: PolicyDecision; creator?: TaskCreator }): Promise<TaskRecord>;
  /** Take the oldest open task: it becomes `processing`, leased to `workerId` for `leaseMs`. */
  claimTask(options: { workerId: string; leaseMs: number }): Promise<TaskRecord | undefined>;
  /**
   * Extend the lease. `owned: false` means the worker lost the task (recovered elsewhere);
   * `cancelRequested` means someone called `cancel`.
   */
  heartbeat(options: { taskId: string; workerId: string; leaseMs: number }): Promise<{ owned: boolean; cancelRequested: boolean }>;
  /** Finish a task and append its `completion` event. False when the task was no longer ours. */
  completeTask(completion: TaskCompletion): Promise<boolean>;
  appendEvent(event: { taskId: string; type: TaskEventType; body: TaskEventBody }): Promise<TaskEvent>;
  /** Events of a task with an id greater than `after`, oldest first. */
  listEvents(options: { taskId: string; after?: number }): Promise<TaskEvent[]>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  list(options?: TaskListOptions): Promise<{ tasks: TaskRecord[]; totalTasks: number }>;
  /**
   * Cancel a task: an `open` one becomes `cancelled` at once (with `cancelled` and `completion`
   * events); a `processing` one gets `cancelRequested` and a `cancelled` event, and its worker
   * finishes it. Finished tasks are returned unchanged.
   */
  cancel(taskId: string, message?: string): Promise<TaskRecord | undefined>;
  /**
   * Fail every `processing` task whose lease expired (its worker crashed), with a `recovered`
   * and a `completion` event. Returns the recovered task ids.
   */
  recoverExpired(): Promise<string[]>;
  /** Release connections the store opened itself. */
  close?(): Promise<void>;
}

/** The message stored on tasks whose worker stopped heartbeating. */
export const RECOVERED_MESSAGE =
  'Task failed: the worker running it stopped responding (lease expired); it was marked failed by recovery';
