/*
 * The scaffolder's permissions, named as Backstage's (@backstage/plugin-scaffolder-common/alpha).
 */
import { createPermission } from '@portalkit/core';

/** Resource type of template parameter sections and steps (`backstage:permissions` tags). */
export const RESOURCE_TYPE_SCAFFOLDER_TEMPLATE = 'scaffolder-template';
/** Resource type of a step's action with its rendered input. */
export const RESOURCE_TYPE_SCAFFOLDER_ACTION = 'scaffolder-action';
/** Resource type of a stored task (its `createdBy`). */
export const RESOURCE_TYPE_SCAFFOLDER_TASK = 'scaffolder-task';

/**
 * See a template's parameter sections: sections the principal may not read are removed from the
 * parameter schema it is served, and the values it submits are validated without them.
 */
export const scaffolderTemplateParameterReadPermission = createPermission({
  name: 'scaffolder.template.parameter.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
});
/** Read a template's steps: a task whose template has a step the principal may not read is refused (403). */
export const scaffolderTemplateStepReadPermission = createPermission({
  name: 'scaffolder.template.step.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
});
/** Run an action; conditions see the action id and the step's rendered input, checked as each step runs. */
export const scaffolderActionExecutePermission = createPermission({
  name: 'scaffolder.action.execute',
  attributes: {},
  resourceType: RESOURCE_TYPE_SCAFFOLDER_ACTION,
});
/** Create a task (run a template), also a dry run. */
export const scaffolderTaskCreatePermission = createPermission({ name: 'scaffolder.task.create', attributes: { action: 'create' } });
/** Read a task, its events and its stream; conditions filter the task list in the store query. */
export const scaffolderTaskReadPermission = createPermission({
  name: 'scaffolder.task.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK,
});
/** Cancel a task. */
export const scaffolderTaskCancelPermission = createPermission({
  name: 'scaffolder.task.cancel',
  attributes: {},
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TASK,
});

/**
 * Every scaffolder permission.
 *
 * @example
 * ```ts
 * scaffolderPermissions.map((p) => p.name); // ['scaffolder.template.parameter.read', ...]
 * ```
 */
export const scaffolderPermissions = [
  scaffolderTemplateParameterReadPermission,
  scaffolderTemplateStepReadPermission,
  scaffolderActionExecutePermission,
  scaffolderTaskCreatePermission,
  scaffolderTaskReadPermission,
  scaffolderTaskCancelPermission,
] as const;
