import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, NotAllowedError, serializeError } from '@portalkit/core';
import { TaskSecretsUnavailableError } from '../tasks/secretBox.js';
import type { Logger, SerializedError } from '@portalkit/core';
import type { JsonObject, ScaffolderAction, TaskRecord, TaskStatus } from '../types.js';
import type { TaskStore } from '../tasks/taskStore.js';
import type { Templater } from '../render/templater.js';
import { TaskCancelledError, executeWorkflow } from './executeWorkflow.js';
import { createRedactor } from './redaction.js';
import { readDirectoryContents } from './directoryContents.js';
import type { DirectoryContent } from './directoryContents.js';
import type { TaskEventLog } from './taskEventLog.js';
import { actionAuthorizer } from '../access/actionAccess.js';
import { creatorBinding } from '../access/creatorAccess.js';
import type { TaskRunRecorder } from './task-metrics.js';
import type { SecretBox } from '../tasks/secretBox.js';
import { planRun } from './resumePlan.js';
import { createTaskProgress } from './taskProgress.js';

/**
 * One process's task worker: claims queued tasks from the store up to its concurrency, keeps
 * their leases alive with heartbeats, runs them, recovers tasks of crashed workers and aborts
 * tasks cancelled here or (seen through a heartbeat) elsewhere.
 */
export interface TaskWorker {
  /**
   * Keep a task's secrets in this process's memory until the task runs here (dry runs, and tasks
   * of a scaffolder without `secretKeys`, whose secrets are never stored).
   */
  keepSecrets(taskId: string, secrets: Record<string, string>): void;
  /** Claim the next open task of `store` for this worker (dry runs claim from their private store). */
  claim(store: TaskStore): Promise<TaskRecord | undefined>;
  /**
   * Run a claimed dry-run task now, beside the worker's queue; `cleanup` runs after it, before the
   * returned promise (which `stop()` waits for too) resolves.
   */
  runDry(store: TaskStore, record: TaskRecord, cleanup: () => Promise<void>): Promise<void>;
  /** Claim and run queued tasks until the concurrency is reached or the queue is empty. */
  pump(): Promise<void>;
  /** Fail the tasks whose worker stopped (at most once per lease length) and wake their readers. */
  recoverExpired(): Promise<void>;
  /** Abort the task if it runs here. */
  abort(taskId: string): void;
  /** The status this worker last gave the task. */
  statusOf(taskId: string): TaskStatus | undefined;
  /** The files a dry run wrote, until {@link TaskWorker.forgetDryRunContents}. */
  dryRunContentsOf(taskId: string): DirectoryContent[] | undefined;
  forgetDryRunContents(taskId: string): void;
  /** Claim again after each finished task (the default; undoes `drain`). */
  resume(): void;
  /** Stop claiming after finished tasks and wait for the running ones. */
  drain(): Promise<void>;
}

/** Options of {@link createTaskWorker}. */
export interface TaskWorkerOptions {
  store: TaskStore;
  actions: ReadonlyMap<string, ScaffolderAction>;
  render: Templater;
  events: TaskEventLog;
  logger: Logger;
  concurrency: number;
  leaseMs: number;
  /** Parent of task workspaces, absolute. */
  workingDirectory: string;
  keepWorkspaces: boolean;
  /**
   * Whether a permission policy is in use by this scaffolder: its own auth, the auth of any view
   * (`forPrincipal(p, { auth })`) or the one given to `start()`. A task runs under a policy when
   * this says so or its creator created it under one; such a task runs no action without its
   * stored `scaffolder.action.execute` decision, and its catalog actions never act as the host
   * unless the host created it.
   */
  policyInUse?: () => boolean;
  /** Records each finished run (metrics); read at the end of each task. */
  recordRun?: () => TaskRunRecorder | undefined;
  /** Opens the sealed secrets stored with tasks (`secretKeys`); without it secrets stay in memory. */
  secretBox?: SecretBox;
}

type Final = { status: 'completed' | 'failed' | 'cancelled'; output?: JsonObject; error?: SerializedError };

interface RunContext {
  options: TaskWorkerOptions;
  workerId: string;
  secretsByTask: Map<string, Record<string, string>>;
  dryRunContents: Map<string, DirectoryContent[]>;
}

// Heartbeats extend the lease; a lost lease or a cancel request seen there aborts the run.
function startHeartbeat(context: RunContext, taskStore: TaskStore, taskId: string, abort: AbortController, onLost: () => void) {
  const { workerId, options } = context;
  const heartbeat = setInterval(() => {
    taskStore
      .heartbeat({ taskId, workerId, leaseMs: options.leaseMs })
      .then((beat) => {
        if (!beat.owned) {
          onLost();
          abort.abort();
        } else if (beat.cancelRequested) abort.abort();
      })
      .catch((error: unknown) => options.logger.warn('scaffolder: heartbeat failed', { taskId, error }));
  }, Math.max(10, Math.floor(options.leaseMs / 3)));
  heartbeat.unref?.();
  return heartbeat;
}

/** The task's secrets: kept in this process's memory, else opened from the store's sealed copy. */
function secretsOf(context: RunContext, record: TaskRecord): Record<string, string> | undefined {
  const kept = context.secretsByTask.get(record.id);
  if (kept) return kept;
  if (!record.sealedSecrets) return undefined;
  if (!context.options.secretBox) {
    throw new TaskSecretsUnavailableError('The secrets of this task are sealed in the task store, but this scaffolder has no scaffolder.secrets.keys to open them');
  }
  return context.options.secretBox.open(record.sealedSecrets);
}

/** Run a claimed task's workflow in its workspace; failures and cancellation become its `Final`. */
async function executeTask(context: RunContext, taskStore: TaskStore, record: TaskRecord, isDryRun: boolean, abort: AbortController): Promise<Final> {
  const { options, secretsByTask, dryRunContents } = context;
  const { events, logger, workingDirectory } = options;
  const taskId = record.id;
  let lostLease = false;
  let redactor = createRedactor(Object.values(secretsByTask.get(taskId) ?? {}));
  const onLost = () => {
    lostLease = true;
    abort.abort();
  };
  const heartbeat = startHeartbeat(context, taskStore, taskId, abort, () => {
    lostLease = true;
  });
  const workspacePath = path.join(workingDirectory, taskId);
  try {
    const secrets = secretsOf(context, record);
    redactor = createRedactor(Object.values(secrets ?? {}));
    const policy = options.policyInUse?.() === true || (record.creator?.type === 'principal' && record.creator.policy);
    if (policy && !record.actionDecision) {
      throw new NotAllowedError(
        'This task was stored without its creator\'s scaffolder.action.execute decision (created before this version, or by a task store that drops `actionDecision`) and a permission policy is in force: none of its actions run',
      );
    }
    if (record.spec.hasSecrets && !secrets) {
      throw new InputError(
        'The secrets of this task are unavailable: without scaffolder.secrets.keys they are kept only in the memory of the worker that accepted the task, which stopped or is another process (a retry can pass them again)',
      );
    }
    const plan = isDryRun ? undefined : await planRun(record, options.actions, taskStore, workspacePath);
    if (isDryRun) await mkdir(workspacePath, { recursive: true });
    if (plan?.message) void events.append(taskStore, taskId, 'log', { message: plan.message });
    const holdsSecret = (text: string) => redactor.text(text) !== text;
    const progress = plan ? createTaskProgress({ store: taskStore, taskId, workerId: context.workerId, workspacePath, state: plan.state, onLost, holdsSecret }) : undefined;
    const result = await executeWorkflow({
      taskId,
      spec: record.spec,
      secrets: secrets ?? {},
      actions: options.actions,
      render: options.render,
      workspacePath,
      workingDirectory,
      isDryRun,
      signal: abort.signal,
      redactor,
      authorizeAction: actionAuthorizer(record.actionDecision, policy, logger),
      ...(record.creator?.type === 'principal' ? { principal: record.creator.principal } : {}),
      asCreator: creatorBinding(record.creator, policy),
      log: (body) => void events.append(taskStore, taskId, 'log', body),
      ...(progress ? { progress } : {}),
      ...(plan ? { plan } : {}),
    });
    if (isDryRun) dryRunContents.set(taskId, await readDirectoryContents(workspacePath));
    return { status: 'completed', output: redactor.value(result.output) };
  } catch (error) {
    const cancelled = !lostLease && (error instanceof TaskCancelledError || abort.signal.aborted);
    const final: Final = { status: cancelled ? 'cancelled' : 'failed', error: redactor.value(serializeError(error)) };
    if (!cancelled) logger.info('scaffolder: task failed', { taskId, error: final.error });
    return final;
  } finally {
    clearInterval(heartbeat);
    if (!options.keepWorkspaces) await rm(workspacePath, { recursive: true, force: true }).catch(() => {});
    secretsByTask.delete(taskId);
  }
}

/** Create the task worker of one scaffolder. */
export function createTaskWorker(options: TaskWorkerOptions): TaskWorker {
  const { store, events, logger, concurrency, leaseMs } = options;
  const workerId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Secrets of tasks this worker accepted, when they are not stored sealed (and of dry runs).
  const secretsByTask = new Map<string, Record<string, string>>();
  const running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const statusByTask = new Map<string, TaskStatus>();
  const dryRunContents = new Map<string, DirectoryContent[]>();
  const context: RunContext = { options, workerId, secretsByTask, dryRunContents };

  const processTask = async (taskStore: TaskStore, record: TaskRecord, isDryRun: boolean, abort: AbortController): Promise<void> => {
    const taskId = record.id;
    statusByTask.set(taskId, 'processing');
    const started = performance.now();
    const final = await executeTask(context, taskStore, record, isDryRun, abort);
    options.recordRun?.()?.({ status: final.status, dryRun: isDryRun, seconds: (performance.now() - started) / 1000 });
    await events.flush(taskId);
    try {
      const done = await taskStore.completeTask({ taskId, workerId, ...final, message: `Run completed with status: ${final.status}` });
      if (!done) logger.warn('scaffolder: task was taken from this worker before it finished', { taskId });
    } catch (error) {
      logger.error('scaffolder: could not store the end of a task', { taskId, error });
    }
    statusByTask.set(taskId, final.status);
    events.notify(taskId);
  };

  let pumping = false;
  let pumpAgain = false;
  let stopped = false;
  let lastRecovery = 0;
  const pump = async (): Promise<void> => {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (running.size < concurrency) {
          const record = await store.claimTask({ workerId, leaseMs });
          if (!record) break;
          const abort = new AbortController();
          const entry = { abort, done: Promise.resolve() };
          running.set(record.id, entry);
          entry.done = processTask(store, record, false, abort)
            .catch((error: unknown) => logger.error('scaffolder: task crashed', { taskId: record.id, error }))
            .finally(() => {
              running.delete(record.id);
              if (!stopped) void pump();
            });
        }
      } while (pumpAgain && running.size < concurrency);
    } catch (error) {
      logger.warn('scaffolder: could not claim tasks', { error });
    } finally {
      pumping = false;
    }
  };

  return {
    keepSecrets: (taskId, secrets) => void secretsByTask.set(taskId, secrets),
    claim: (taskStore) => taskStore.claimTask({ workerId, leaseMs }),
    runDry(taskStore, record, cleanup) {
      const entry = { abort: new AbortController(), done: Promise.resolve() };
      running.set(record.id, entry);
      entry.done = processTask(taskStore, record, true, entry.abort).finally(async () => {
        running.delete(record.id);
        await cleanup();
      });
      return entry.done;
    },
    pump,
    async recoverExpired() {
      if (Date.now() - lastRecovery < leaseMs) return;
      lastRecovery = Date.now();
      const recovered = await store.recoverExpired().catch((error: unknown) => {
        logger.warn('scaffolder: task recovery failed', { error });
        return [] as string[];
      });
      for (const id of recovered) {
        logger.warn('scaffolder: recovered a task whose worker stopped', { taskId: id });
        events.notify(id);
      }
    },
    abort: (taskId) => running.get(taskId)?.abort.abort(),
    statusOf: (taskId) => statusByTask.get(taskId),
    dryRunContentsOf: (taskId) => dryRunContents.get(taskId),
    forgetDryRunContents: (taskId) => void dryRunContents.delete(taskId),
    resume() {
      stopped = false;
    },
    async drain() {
      stopped = true;
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
