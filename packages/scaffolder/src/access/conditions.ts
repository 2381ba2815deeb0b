import { applyConditions, validateConditions, type Logger, type PermissionRule, type PolicyDecision } from '@portalkit/core';

/**
 * A decision as a check of one resource. Conditions are validated whole first: `applyConditions`
 * stops at the first deciding branch and could pass a tree holding an unknown rule that the
 * store query (which converts the whole tree) refuses, so one task would be readable by id but
 * missing from the list. Bad conditions, or conditions on another resource type, deny (logged).
 */
export function decisionCheck<TResource>(
  decision: PolicyDecision,
  resourceType: string,
  rules: readonly PermissionRule<TResource, unknown, any>[],
  logger: Logger,
  permissionName: string,
): (resource: TResource) => boolean {
  if (decision.result === 'ALLOW') return () => true;
  if (decision.result !== 'CONDITIONAL' || decision.resourceType !== resourceType) return () => false;
  try {
    validateConditions(decision.conditions, rules);
  } catch (error) {
    logger.error(`scaffolder: ${permissionName} conditions are invalid; denying`, { error });
    return () => false;
  }
  return (resource) => {
    try {
      return applyConditions(decision.conditions, resource, rules);
    } catch (error) {
      logger.error(`scaffolder: ${permissionName} conditions could not be applied; denying`, { error });
      return false;
    }
  };
}
