import { applyConditions, type Logger, type PolicyDecision } from '@portalkit/core';
import { RESOURCE_TYPE_SCAFFOLDER_ACTION } from '../permissions/permissions.js';
import { type ScaffolderActionResource, scaffolderActionRules } from '../permissions/rules.js';

/** Whether one step may run its action with its rendered input. */
export type ActionAuthorizer = (resource: ScaffolderActionResource) => boolean;

/**
 * The check every step's action goes through, from the `scaffolder.action.execute` decision
 * stored with the task when it was created. A task without one (created before this version,
 * or by a store that drops it) runs only when the scaffolder has no policy. Conditions that
 * cannot be applied (unknown rule, bad params) deny, logged.
 */
export function actionAuthorizer(decision: PolicyDecision | undefined, requireDecision: boolean, logger: Logger): ActionAuthorizer {
  if (!decision) return () => !requireDecision;
  if (decision.result === 'ALLOW') return () => true;
  if (decision.result !== 'CONDITIONAL' || decision.resourceType !== RESOURCE_TYPE_SCAFFOLDER_ACTION) return () => false;
  return (resource) => {
    try {
      return applyConditions(decision.conditions, resource, scaffolderActionRules);
    } catch (error) {
      logger.error('scaffolder: scaffolder.action.execute conditions could not be applied; denying', { action: resource.action, error });
      return false;
    }
  };
}
