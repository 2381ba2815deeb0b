import { InputError, NotAllowedError, NotFoundError } from '@portalkit/core';
import type { Task } from '../scaffolderTypes.js';
import { scaffolderTaskCreatePermission } from '../permissions/permissions.js';
import { type ViewIdentity, auditFor, guardedTask, mayAccessTask } from './taskAccess.js';
import { type TaskCreationParts, placeSecrets } from './taskCreation.js';

/**
 * Retry a failed or cancelled task, as Backstage's `POST /v2/tasks/:taskId/retry`: a principal
 * needs `scaffolder.task.create` and `scaffolder.task.read` on the task (a task it may not read is
 * not found), and must be the task's creator (the run acts as its creator). Secrets are deleted when a task ends, so a task started with secrets needs them
 * again. Audited as `scaffolder.task.retry` with the task id as target (never the secrets).
 */
export async function retryTaskFor(
  identity: ViewIdentity,
  parts: TaskCreationParts,
  taskId: string,
  options: { secrets?: Record<string, string> } = {},
): Promise<Task> {
  const record = await parts.store.getTask(taskId);
  if (!record || !(await mayAccessTask(identity, record))) throw new NotFoundError(`Task with id ${taskId} does not exist`);
  const meta = { templateRef: record.spec.templateInfo.entityRef };
  try {
    if (identity.principal) {
      const decision = await identity.auth.authorize(identity.principal, scaffolderTaskCreatePermission);
      if (decision.result !== 'ALLOW') throw new NotAllowedError(`Not allowed to retry task ${taskId} (scaffolder.task.create)`);
      // The run acts as the task's stored creator (asCreator, its action decision): only that
      // principal may start it again, else a reader could act with another's (or the host's) rights.
      const creator = record.creator;
      if (creator?.type !== 'principal' || creator.principal.subject !== identity.principal.subject) {
        throw new NotAllowedError(`Not allowed to retry task ${taskId}: it runs as its creator, and only its creator may retry it`);
      }
    }
    const given = options.secrets && Object.keys(options.secrets).length ? options.secrets : undefined;
    if (record.spec.hasSecrets && !given) {
      throw new InputError(`Task ${taskId} was started with secrets, which are deleted when a task ends: pass them again to retry it`);
    }
    const secrets = placeSecrets(parts, given);
    const retried = await parts.store.retryTask({ taskId, ...(secrets.sealedSecrets ? { sealedSecrets: secrets.sealedSecrets } : {}) });
    if (!retried) throw new NotFoundError(`Task with id ${taskId} does not exist`);
    secrets.keep(taskId);
    void parts.worker.pump();
    await auditFor(identity, { action: 'scaffolder.task.retry', target: taskId, outcome: 'success', meta });
    return guardedTask(identity, parts.handles.handle(parts.store, retried), retried);
  } catch (error) {
    const denied = (error as Error)?.name === 'NotAllowedError';
    await auditFor(identity, { action: 'scaffolder.task.retry', target: taskId, outcome: denied ? 'denied' : 'failure', error, meta });
    throw error;
  }
}
