import {
  InputError,
  conditionsToQuery,
  type Permission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@portalkit/core';
import { scaffolderTaskRules } from './rules.js';
import type { TaskFilter } from './taskFilter.js';

/**
 * A conditional decision for one of the scaffolder's resource permissions (its resource type is
 * the permission's), as Backstage's `createScaffolder*ConditionalDecision`.
 *
 * @example
 * ```ts
 * const policy: PermissionPolicy = (principal, permission) =>
 *   permission.name === 'scaffolder.task.read'
 *     ? createScaffolderConditionalDecision(permission, scaffolderTaskConditions.isTaskOwner({ createdBy: [principal.subject] }))
 *     : { result: 'ALLOW' };
 * ```
 */
export function createScaffolderConditionalDecision(
  permission: Permission,
  conditions: PermissionCriteria<PermissionCondition>,
): PolicyDecision {
  if (!permission.resourceType) throw new InputError(`createScaffolderConditionalDecision: ${permission.name} has no resource type`);
  return { result: 'CONDITIONAL', resourceType: permission.resourceType, conditions };
}

/**
 * Translate conditions on tasks into the {@link TaskFilter} the task stores query; unknown rules
 * or bad params throw `PermissionRuleError`.
 *
 * @example
 * ```ts
 * taskConditionsToFilter(scaffolderTaskConditions.isTaskOwner({ createdBy: ['user:default/jane'] })); // { createdBy: ['user:default/jane'] }
 * ```
 */
export function taskConditionsToFilter(conditions: PermissionCriteria<PermissionCondition>): TaskFilter {
  return conditionsToQuery(conditions, scaffolderTaskRules, {
    allOf: (filters) => ({ allOf: filters }),
    anyOf: (filters) => ({ anyOf: filters }),
    not: (filter) => ({ not: filter }),
  });
}
