import type { ActionRegistry } from '../actions/actionRegistry.js';
import type { DryRunner, DryRunTaskExtras } from '../runner/dryRun.js';
import type { ScaffolderLibrary } from '../scaffolderTypes.js';
import { getParameterSchema } from '../template/parameterSchema.js';
import { parseTemplate } from '../template/parseTemplate.js';
import { authorizeTemplate } from './templateAccess.js';
import { creatorOf } from './creatorAccess.js';
import { type ViewIdentity, guardedTask, listReadableTasks, mayAccessTask } from './taskAccess.js';
import { retryTaskFor } from './taskRetry.js';
import { type TaskCreationParts, actionDecisionOf, assertMayCreate, createTaskFor, createdByOf, resolveUser, templateFor } from './taskCreation.js';

/** The parts of one scaffolder every view shares (store, worker, actions). */
export interface ScaffolderParts extends TaskCreationParts {
  registry: ActionRegistry;
  dryRunner: DryRunner;
}

/** The scaffolder's operations as they are not lifecycle: what a view of one identity offers. */
export type ScaffolderOperations = Omit<ScaffolderLibrary, 'start' | 'stop' | 'forPrincipal' | 'auth' | 'resealSecrets'>;

/**
 * The scaffolder's operations for one identity: the host (everything allowed, audited as the
 * host) or a principal (every read filtered, every mutation checked and audited). One
 * implementation for both, so the host and a principal never take different paths through the
 * task code.
 */
export function createScaffolderView(parts: ScaffolderParts, identity: ViewIdentity): ScaffolderOperations {
  const { principal } = identity;
  const dryRunPreparation = async (user: Parameters<typeof resolveUser>[2]) => {
    await assertMayCreate(identity);
    const resolved = await resolveUser(identity, parts, user);
    const createdBy = createdByOf(identity, resolved);
    const extras: DryRunTaskExtras = {
      actionDecision: await actionDecisionOf(identity),
      creator: creatorOf(identity),
      ...(createdBy ? { createdBy } : {}),
    };
    return { user: resolved, extras };
  };

  return {
    async run(template, runOptions = {}) {
      if (!runOptions.dryRun) return createTaskFor(identity, parts, template, runOptions);
      const { user: given, ...rest } = runOptions;
      const { user, extras } = await dryRunPreparation(given);
      return (await parts.dryRunner.start(template, { ...rest, ...(user ? { user } : {}) }, undefined, extras)).task;
    },
    async dryRun(template, options = {}) {
      const { user: given, ...rest } = options;
      const { user, extras } = await dryRunPreparation(given);
      if (options.templateFromHost) {
        // A stored template is checked as a run checks it: its tagged steps and parameters are
        // not the caller's to see (a dry run answers every step's rendered input and log).
        const authorized = await templateFor(identity, template, rest.values);
        return parts.dryRunner.dryRun(authorized.template, { ...rest, ...(authorized.values ? { values: authorized.values } : {}), ...(user ? { user } : {}) }, extras);
      }
      return parts.dryRunner.dryRun(template, { ...rest, ...(user ? { user } : {}) }, extras);
    },
    async getTask(taskId) {
      const record = await parts.store.getTask(taskId);
      // A task the principal may not read is answered as one that does not exist.
      if (!record || !(await mayAccessTask(identity, record))) return undefined;
      return guardedTask(identity, parts.handles.handle(parts.store, record), record);
    },
    retryTask: (taskId, options) => retryTaskFor(identity, parts, taskId, options),
    listTasks: (options) => listReadableTasks(identity, parts.store, options),
    listActions: () => parts.registry.list(),
    async getParameterSchema(template) {
      const parsed = parseTemplate(template);
      if (!principal) return getParameterSchema(parsed);
      return getParameterSchema((await authorizeTemplate(identity.auth, principal, parsed, identity.logger)).template);
    },
  };
}
