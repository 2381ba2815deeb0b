import type { Logger, PolicyDecision } from '@portalkit/core';
import { RESOURCE_TYPE_SCAFFOLDER_ACTION } from '../permissions/permissions.js';
import { type ScaffolderActionResource, scaffolderActionRules } from '../permissions/rules.js';
import { decisionCheck } from './conditions.js';

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
  return decisionCheck(decision, RESOURCE_TYPE_SCAFFOLDER_ACTION, scaffolderActionRules, logger, 'scaffolder.action.execute');
}
