import type { JsonObject, SealedSecrets, TaskCreator, TaskEvent, TaskEventBody, TaskEventType, TaskRecord, TaskSpec, TaskState, TaskStatus } from '../types.js';
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
  /** Only the worker holding the lease may complete a `processing` task; with a worker id, an `open` one is not completed. */
  workerId?: string;
  status: 'completed' | 'failed' | 'cancelled';
  output?: JsonObject;
  error?: SerializedError;
  message: string;
}

/** What {@link TaskStore.saveState} writes: the task's state, and its workspace snapshot when given. */
export interface TaskStateUpdate {
  taskId: string;
  /** Only the worker holding the task's lease may write. */
  workerId: string;
  state: TaskState;
  /** The workspace as the next step finds it (gzip of its files); `null` removes it; absent keeps it. */
  workspace?: Uint8Array | null;
}

/**
 * Where scaffolder tasks and their events live. Secrets reach a store only sealed
 * ({@link SealedSecrets}); it deletes them when the task ends.
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
  createTask(options: {
    spec: TaskSpec;
    createdBy?: string;
    actionDecision?: PolicyDecision;
    creator?: TaskCreator;
    /** Stored until the task ends, then deleted (completion, failure, cancellation, failed recovery). */
    sealedSecrets?: SealedSecrets;
  }): Promise<TaskRecord>;
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
   * Recover every `processing` task whose lease expired (its worker crashed), per its spec's
   * `EXPERIMENTAL_recovery` strategy: `startOver` and `resume` queue it again (`open`, with that
   * `resumeMode` and a `recovered` event) up to `MAX_TASK_RECOVERIES` times; otherwise it fails
   * with a `recovered` and a `completion` event (its sealed secrets deleted). Returns the ids.
   */
  recoverExpired(): Promise<string[]>;
  /**
   * Store the task's state (and workspace snapshot) if `workerId` holds its lease; false when
   * it does not (the task was recovered elsewhere or ended).
   */
  saveState(update: TaskStateUpdate): Promise<boolean>;
  /** The task's workspace snapshot, if one is stored. */
  getWorkspace(taskId: string): Promise<Uint8Array | undefined>;
  /**
   * Queue a `failed` or `cancelled` task again, to resume at the step it stopped in
   * (`resumeMode: 'resume'`), with a `recovered` event; `sealedSecrets` replace the deleted ones.
   * Undefined for an unknown task; `ConflictError` for a task in another status.
   */
  retryTask(options: { taskId: string; sealedSecrets?: SealedSecrets }): Promise<TaskRecord | undefined>;
  /**
   * Re-seal stored secrets (key rotation): `reseal` gets each stored sealed value and returns
   * its replacement, or undefined to keep it. Returns how many were replaced.
   */
  resealSecrets(reseal: (sealed: SealedSecrets) => SealedSecrets | undefined): Promise<number>;
  /** Release connections the store opened itself. */
  close?(): Promise<void>;
}

/** The message stored on tasks whose worker stopped heartbeating. */
export const RECOVERED_MESSAGE =
  'Task failed: the worker running it stopped responding (lease expired); it was marked failed by recovery';

/** The message of the `recovered` event of a task queued again after its worker stopped. */
export const REQUEUED_MESSAGE = 'The worker running this task stopped responding (lease expired); the task was queued again to recover';

/** The message of the `recovered` event of a retried task. */
export const RETRIED_MESSAGE = 'Task retried: it resumes at the step it stopped in';

/** The recovery strategy a task's spec asks for (`none` when absent or unknown). */
export function recoveryStrategyOf(spec: TaskSpec): 'none' | 'startOver' | 'resume' {
  const strategy = spec.EXPERIMENTAL_recovery?.EXPERIMENTAL_strategy;
  return strategy === 'startOver' || strategy === 'resume' ? strategy : 'none';
}
