import { mkdir } from 'node:fs/promises';
import { NotAllowedError, type PolicyDecision } from '@portalkit/core';
import type { JsonObject, ScaffolderUser, TemplateEntity } from '../types.js';
import type { RunOptions, Task } from '../scaffolderTypes.js';
import type { TaskStore } from '../tasks/taskStore.js';
import type { TaskHandles } from '../runner/taskHandles.js';
import type { TaskWorker } from '../runner/taskWorker.js';
import { parseTemplate } from '../template/parseTemplate.js';
import { prepareTaskSpec } from '../template/taskSpec.js';
import { scaffolderActionExecutePermission, scaffolderTaskCreatePermission } from '../permissions/permissions.js';
import { authorizeTemplate, withoutHiddenValues } from './templateAccess.js';
import { type ViewIdentity, auditFor, guardedTask } from './taskAccess.js';
import { creatorOf } from './creatorAccess.js';
import type { SecretBox } from '../tasks/secretBox.js';

/** Looks up a user entity by ref (the portal passes the catalog's lookup). */
export type GetUserEntity = (ref: string) => Promise<object | undefined> | object | undefined;

/** What creating a task needs of the scaffolder. */
export interface TaskCreationParts {
  store: TaskStore;
  worker: TaskWorker;
  handles: TaskHandles;
  workingDirectory: string;
  getUserEntity?: GetUserEntity | undefined;
  /** The template check (`assertTemplateChecks` with the scaffolder's actions and filters). */
  checkTemplate: (template: TemplateEntity) => void;
  /** Seals secrets stored with tasks (`secretKeys`); without it they stay in this worker's memory. */
  secretBox?: SecretBox | undefined;
}

/**
 * Where a task's secrets go: sealed into the store with a secret box, else (no keys configured)
 * this worker's memory after the task is stored.
 */
export function placeSecrets(parts: TaskCreationParts, secrets: Record<string, string> | undefined) {
  const given = secrets && Object.keys(secrets).length ? { ...secrets } : undefined;
  const sealedSecrets = given && parts.secretBox ? parts.secretBox.seal(given) : undefined;
  return {
    sealedSecrets,
    keep: (taskId: string) => {
      if (given && !sealedSecrets) parts.worker.keepSecrets(taskId, given);
    },
  };
}

const ALLOW: PolicyDecision = { result: 'ALLOW' };

/** `template:<namespace>/<name>` of a template as given (for audit targets, before it is validated). */
export function templateRefOf(template: unknown): string {
  const metadata = (template as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  const name = typeof metadata?.name === 'string' ? metadata.name : 'unknown';
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : 'default';
  return `template:${namespace}/${name}`;
}

/**
 * `${{ user.ref }}` and `${{ user.entity }}`: a principal's own user entity ref (never a
 * caller's); the host's `user` for host calls, and for principals without a user entity ref only
 * when there is no policy (the trusted, allow-all setup where `getUser` names the user); the
 * entity from `getUserEntity` when not given. User data is not secret: it is stored with the task
 * as in Backstage.
 */
export async function resolveUser(identity: ViewIdentity, parts: TaskCreationParts, given: ScaffolderUser | undefined): Promise<ScaffolderUser | undefined> {
  const { principal } = identity;
  const own = principal?.userEntityRef;
  const trusted = !principal || !identity.auth.hasPolicy;
  const base = own !== undefined ? (given?.ref === own ? given : { ref: own }) : trusted ? given : undefined;
  if (!base?.ref || base.entity || !parts.getUserEntity) return base;
  const entity = await parts.getUserEntity(base.ref);
  return entity ? { ...base, entity: JSON.parse(JSON.stringify(entity)) as JsonObject } : base;
}

/**
 * Who created a task: a principal's `userEntityRef`, else the user `resolveUser` found (only set
 * without a policy), else its `subject`; for the host, `createdBy` or the user's ref.
 */
export function createdByOf(identity: ViewIdentity, user: ScaffolderUser | undefined, hostCreatedBy?: string): string | undefined {
  const { principal } = identity;
  if (!principal) return hostCreatedBy ?? user?.ref;
  return principal.userEntityRef ?? user?.ref ?? principal.subject;
}

/** Throw unless the principal may create tasks. */
export async function assertMayCreate(identity: ViewIdentity): Promise<void> {
  if (!identity.principal) return;
  const decision = await identity.auth.authorize(identity.principal, scaffolderTaskCreatePermission);
  if (decision.result !== 'ALLOW') throw new NotAllowedError('Not allowed to create scaffolder tasks (scaffolder.task.create)');
}

/** The creator's `scaffolder.action.execute` decision, stored with the task; the host's is ALLOW. */
export function actionDecisionOf(identity: ViewIdentity): Promise<PolicyDecision> {
  return identity.principal ? identity.auth.authorize(identity.principal, scaffolderActionExecutePermission) : Promise.resolve(ALLOW);
}

/**
 * The template as the principal may run it: refused (NotAllowedError) when it has a step the
 * principal may not read; parameter sections it may not read are removed, with their values.
 */
export async function templateFor(identity: ViewIdentity, template: unknown, values: JsonObject | undefined): Promise<{ template: TemplateEntity; values: JsonObject | undefined }> {
  const parsed = parseTemplate(template);
  if (!identity.principal) return { template: parsed, values };
  const authorized = await authorizeTemplate(identity.auth, identity.principal, parsed, identity.logger);
  if (authorized.hiddenSteps.length) {
    throw new NotAllowedError(`Not allowed to run ${templateRefOf(parsed)}: it has steps this principal may not read (scaffolder.template.step.read)`);
  }
  return { template: authorized.template, values: withoutHiddenValues(values, authorized.hiddenParameters) };
}

/**
 * Create and queue a task for the identity: `scaffolder.task.create`, the template's step and
 * parameter tags, the user, `createdBy` and the action decision; audited as
 * `scaffolder.task.create` with the template ref as target and only the task id as detail
 * (never values or secrets).
 */
export async function createTaskFor(identity: ViewIdentity, parts: TaskCreationParts, template: unknown, runOptions: RunOptions): Promise<Task> {
  const target = templateRefOf(template);
  try {
    await assertMayCreate(identity);
    const authorized = await templateFor(identity, template, runOptions.values);
    const user = await resolveUser(identity, parts, runOptions.user);
    const { user: _given, ...rest } = runOptions;
    const spec = prepareTaskSpec(authorized.template, { ...rest, ...(authorized.values ? { values: authorized.values } : {}), ...(user ? { user } : {}) }, false, parts.checkTemplate);
    const createdBy = createdByOf(identity, user, runOptions.createdBy);
    const actionDecision = await actionDecisionOf(identity);
    await mkdir(parts.workingDirectory, { recursive: true });
    const secrets = placeSecrets(parts, spec.hasSecrets ? runOptions.secrets : undefined);
    const record = await parts.store.createTask({
      spec,
      actionDecision,
      creator: creatorOf(identity),
      ...(createdBy ? { createdBy } : {}),
      ...(secrets.sealedSecrets ? { sealedSecrets: secrets.sealedSecrets } : {}),
    });
    secrets.keep(record.id);
    void parts.worker.pump();
    await auditFor(identity, { action: 'scaffolder.task.create', target, outcome: 'success', meta: { taskId: record.id } });
    return guardedTask(identity, parts.handles.handle(parts.store, record), record);
  } catch (error) {
    const denied = (error as Error)?.name === 'NotAllowedError';
    await auditFor(identity, { action: 'scaffolder.task.create', target, outcome: denied ? 'denied' : 'failure', error });
    throw error;
  }
}
