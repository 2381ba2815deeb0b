import { randomUUID } from 'node:crypto';
import { ConflictError } from '@portalkit/core';
import { MAX_TASK_RECOVERIES } from '../types.js';
import type { TaskEvent, TaskRecord } from '../types.js';
import { RECOVERED_MESSAGE, REQUEUED_MESSAGE, RETRIED_MESSAGE, recoveryStrategyOf } from './taskStore.js';
import type { TaskStore } from './taskStore.js';
import { taskMatchesFilter } from '../permissions/taskFilter.js';

const finished = new Set(['completed', 'failed', 'cancelled']);

/**
 * An in-memory {@link TaskStore}: zero setup, lost on restart. Records are copied in and out,
 * so callers never mutate stored state.
 *
 * @example
 * ```ts
 * const scaffolder = createScaffolder({ actions: builtinActions(), taskStore: memoryTaskStore() });
 * ```
 */
export function memoryTaskStore(): TaskStore {
  const tasks = new Map<string, TaskRecord>();
  const workspaces = new Map<string, Uint8Array>();
  const events: TaskEvent[] = [];
  let nextEventId = 1;
  const copy = <T>(value: T): T => structuredClone(value);
  const now = () => new Date().toISOString();

  const append = (taskId: string, type: TaskEvent['type'], body: TaskEvent['body']): TaskEvent => {
    const event: TaskEvent = { id: nextEventId++, taskId, type, body: copy(body), createdAt: now() };
    events.push(event);
    return copy(event);
  };

  return {
    async createTask({ spec, createdBy, actionDecision, creator, sealedSecrets }) {
      const record: TaskRecord = {
        id: randomUUID(),
        spec: copy(spec),
        status: 'open',
        createdAt: now(),
        cancelRequested: false,
        ...(createdBy !== undefined ? { createdBy } : {}),
        ...(actionDecision !== undefined ? { actionDecision: copy(actionDecision) } : {}),
        ...(creator !== undefined ? { creator: copy(creator) } : {}),
        ...(sealedSecrets !== undefined ? { sealedSecrets: copy(sealedSecrets) } : {}),
      };
      tasks.set(record.id, record);
      return copy(record);
    },
    async claimTask({ workerId, leaseMs }) {
      for (const record of tasks.values()) {
        if (record.status !== 'open') continue;
        record.status = 'processing';
        record.claimedBy = workerId;
        record.lastHeartbeatAt = now();
        record.leaseExpiresAt = new Date(Date.now() + leaseMs).toISOString();
        return copy(record);
      }
      return undefined;
    },
    async heartbeat({ taskId, workerId, leaseMs }) {
      const record = tasks.get(taskId);
      if (!record || record.status !== 'processing' || record.claimedBy !== workerId) {
        return { owned: false, cancelRequested: record?.cancelRequested ?? false };
      }
      record.lastHeartbeatAt = now();
      record.leaseExpiresAt = new Date(Date.now() + leaseMs).toISOString();
      return { owned: true, cancelRequested: record.cancelRequested };
    },
    async completeTask({ taskId, workerId, status, output, error, message }) {
      const record = tasks.get(taskId);
      if (!record || finished.has(record.status)) return false;
      if (record.status === 'processing' && workerId !== undefined && record.claimedBy !== workerId) return false;
      // A worker completes only what it holds: a task requeued by recovery is no longer its own.
      if (record.status === 'open' && workerId !== undefined) return false;
      record.status = status;
      record.completedAt = now();
      delete record.leaseExpiresAt;
      delete record.sealedSecrets;
      // A failed task keeps its state and workspace for a retry; others never run again.
      if (status !== 'failed') workspaces.delete(taskId);
      if (output !== undefined) record.output = copy(output);
      if (error !== undefined) record.error = copy(error);
      append(taskId, 'completion', {
        message,
        status,
        ...(output !== undefined ? { output } : {}),
        ...(error !== undefined ? { error } : {}),
      });
      return true;
    },
    async appendEvent({ taskId, type, body }) {
      return append(taskId, type, body);
    },
    async listEvents({ taskId, after = 0 }) {
      return events.filter((e) => e.taskId === taskId && e.id > after).map(copy);
    },
    async getTask(taskId) {
      const record = tasks.get(taskId);
      return record ? copy(record) : undefined;
    },
    async list(options = {}) {
      const matching = [...tasks.values()]
        .filter((t) => (options.status ? [options.status].flat().includes(t.status) : true))
        .filter((t) => (options.createdBy ? t.createdBy === options.createdBy : true))
        .filter((t) => (options.filter ? taskMatchesFilter(t, options.filter) : true))
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      const offset = options.offset ?? 0;
      const page = matching.slice(offset, options.limit !== undefined ? offset + options.limit : undefined);
      return { tasks: page.map(copy), totalTasks: matching.length };
    },
    async cancel(taskId, message = 'Task cancelled') {
      const record = tasks.get(taskId);
      if (!record) return undefined;
      if (record.status === 'open') {
        record.status = 'cancelled';
        record.completedAt = now();
        delete record.sealedSecrets;
        workspaces.delete(taskId);
        append(taskId, 'cancelled', { message, status: 'cancelled' });
        append(taskId, 'completion', { message: 'Run completed with status: cancelled', status: 'cancelled' });
      } else if (record.status === 'processing' && !record.cancelRequested) {
        record.cancelRequested = true;
        append(taskId, 'cancelled', { message, status: 'cancelled' });
      }
      return copy(record);
    },
    async recoverExpired() {
      const recovered: string[] = [];
      for (const record of tasks.values()) {
        if (record.status !== 'processing' || !record.leaseExpiresAt) continue;
        if (Date.parse(record.leaseExpiresAt) > Date.now()) continue;
        recovered.push(record.id);
        recoverRecord(record, append, now);
      }
      return recovered;
    },
    async saveState({ taskId, workerId, state, workspace }) {
      const record = tasks.get(taskId);
      if (!record || record.status !== 'processing' || record.claimedBy !== workerId) return false;
      record.state = copy(state);
      if (workspace === null) workspaces.delete(taskId);
      else if (workspace !== undefined) workspaces.set(taskId, new Uint8Array(workspace));
      return true;
    },
    async getWorkspace(taskId) {
      const workspace = workspaces.get(taskId);
      return workspace ? new Uint8Array(workspace) : undefined;
    },
    async retryTask({ taskId, sealedSecrets }) {
      const record = tasks.get(taskId);
      if (!record) return undefined;
      if (record.status !== 'failed' && record.status !== 'cancelled') {
        throw new ConflictError(`Task ${taskId} is ${record.status}: only a failed or cancelled task can be retried`);
      }
      requeueForRetry(record, sealedSecrets === undefined ? undefined : copy(sealedSecrets));
      append(taskId, 'recovered', { message: RETRIED_MESSAGE, status: 'open', recoverStrategy: 'resume' });
      return copy(record);
    },
    async resealSecrets(reseal) {
      let count = 0;
      for (const record of tasks.values()) {
        if (!record.sealedSecrets) continue;
        const next = reseal(copy(record.sealedSecrets));
        if (next === undefined) continue;
        record.sealedSecrets = copy(next);
        count++;
      }
      return count;
    },
  };
}

type Append = (taskId: string, type: TaskEvent['type'], body: TaskEvent['body']) => TaskEvent;

/** A task whose worker's lease expired: queued again per its recovery strategy, else failed. */
function recoverRecord(record: TaskRecord, append: Append, now: () => string): void {
  const strategy = recoveryStrategyOf(record.spec);
  if (strategy !== 'none' && (record.recoveries ?? 0) < MAX_TASK_RECOVERIES) {
    record.status = 'open';
    record.resumeMode = strategy;
    record.recoveries = (record.recoveries ?? 0) + 1;
    delete record.claimedBy;
    delete record.leaseExpiresAt;
    append(record.id, 'recovered', { message: REQUEUED_MESSAGE, status: 'open', recoverStrategy: strategy });
    return;
  }
  record.status = 'failed';
  delete record.sealedSecrets;
  record.completedAt = now();
  record.error = { name: 'TaskRecoveredError', message: RECOVERED_MESSAGE };
  delete record.leaseExpiresAt;
  append(record.id, 'recovered', { message: RECOVERED_MESSAGE, status: 'failed' });
  append(record.id, 'completion', { message: 'Run completed with status: failed', status: 'failed', error: record.error });
}

/** A failed or cancelled task queued again to resume at its failed step. */
function requeueForRetry(record: TaskRecord, sealedSecrets: TaskRecord['sealedSecrets'] | undefined): void {
  record.status = 'open';
  record.resumeMode = 'resume';
  record.recoveries = 0;
  record.cancelRequested = false;
  for (const key of ['claimedBy', 'leaseExpiresAt', 'completedAt', 'output', 'error', 'sealedSecrets'] as const) delete record[key];
  if (sealedSecrets !== undefined) record.sealedSecrets = sealedSecrets;
}
