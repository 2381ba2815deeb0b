import {
  NotAllowedError,
  PermissionRuleError,
  hostPrincipal,
  type Logger,
  type PortalAuth,
  type Principal,
} from '@portalkit/core';
import type { TaskRecord } from '../types.js';
import type { Task } from '../scaffolderTypes.js';
import type { TaskListOptions, TaskStore } from '../tasks/taskStore.js';
import {
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  scaffolderTaskCancelPermission,
  scaffolderTaskReadPermission,
} from '../permissions/permissions.js';
import { decisionCheck } from './conditions.js';
import { scaffolderTaskRules } from '../permissions/rules.js';
import { taskConditionsToFilter } from '../permissions/decisions.js';

/** Who acts through a scaffolder view: a principal (checked) or the host (allowed, audited as host). */
export interface ViewIdentity {
  auth: PortalAuth;
  /** Absent for the trusted host. */
  principal?: Principal;
  /** The request acted for: its id goes into audit events. */
  request?: Request;
  logger: Logger;
}

/** Record one audit event of the scaffolder for `identity`. */
export function auditFor(
  identity: ViewIdentity,
  record: { action: string; target: string; outcome: 'success' | 'failure' | 'denied'; error?: unknown; meta?: Record<string, unknown> },
): Promise<void> {
  return identity.auth.audit({
    plugin: 'scaffolder',
    ...record,
    principal: identity.principal ?? hostPrincipal(),
    ...(identity.request ? { request: identity.request } : {}),
  });
}

/** Whether the identity may read (or cancel) this task; the host always may. */
export async function mayAccessTask(identity: ViewIdentity, record: TaskRecord, cancel = false): Promise<boolean> {
  if (!identity.principal) return true;
  const permission = cancel ? scaffolderTaskCancelPermission : scaffolderTaskReadPermission;
  const decision = await identity.auth.authorize(identity.principal, permission);
  return decisionCheck(decision, RESOURCE_TYPE_SCAFFOLDER_TASK, scaffolderTaskRules, identity.logger, permission.name)(record);
}

/**
 * List the tasks the identity may read: `scaffolder.task.read` conditions become a filter of the
 * store's query (so totals and pages are right); a denied principal sees none.
 */
export async function listReadableTasks(identity: ViewIdentity, store: TaskStore, options: TaskListOptions = {}) {
  const { principal, auth, logger } = identity;
  if (!principal) return store.list(options);
  const decision = await auth.authorize(principal, scaffolderTaskReadPermission);
  if (decision.result === 'ALLOW') return store.list(options);
  if (decision.result === 'DENY') return { tasks: [], totalTasks: 0 };
  try {
    const filter = taskConditionsToFilter(decision.conditions);
    return await store.list({ ...options, filter: options.filter ? { allOf: [options.filter, filter] } : filter });
  } catch (error) {
    if (!(error instanceof PermissionRuleError)) throw error;
    logger.error('scaffolder: scaffolder.task.read conditions could not be applied; denying', { error });
    return { tasks: [], totalTasks: 0 };
  }
}

/**
 * A task handle whose `cancel()` checks `scaffolder.task.cancel` (for a principal) and is audited
 * as `scaffolder.task.cancel` with the task id as target.
 */
export function guardedTask(identity: ViewIdentity, task: Task, record: TaskRecord): Task {
  const target = task.id;
  const meta = { templateRef: record.spec.templateInfo.entityRef };
  return {
    id: task.id,
    get status() {
      return task.status;
    },
    events: (options) => task.events(options),
    listEvents: (options) => task.listEvents(options),
    async cancel() {
      if (!(await mayAccessTask(identity, record, true))) {
        const error = new NotAllowedError(`Not allowed to cancel task ${task.id} (scaffolder.task.cancel)`);
        await auditFor(identity, { action: 'scaffolder.task.cancel', target, outcome: 'denied', error, meta });
        throw error;
      }
      try {
        await task.cancel();
      } catch (error) {
        await auditFor(identity, { action: 'scaffolder.task.cancel', target, outcome: 'failure', error, meta });
        throw error;
      }
      await auditFor(identity, { action: 'scaffolder.task.cancel', target, outcome: 'success', meta });
    },
    get result() {
      return task.result;
    },
    get: () => task.get(),
  };
}
