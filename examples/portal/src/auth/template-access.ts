import type { PortalAuth, Principal } from '@portalkit/core';
import type { Entity } from '@portalkit/catalog-model';
import {
  scaffolderTaskCreatePermission,
  scaffolderTemplateRules,
  scaffolderTemplateStepReadPermission,
} from '@portalkit/scaffolder';

/**
 * Whether `principal` may run `template`: it may create tasks, and the policy lets it read every
 * step (conditions such as `HAS_TAG` see each step's `backstage:permissions`). Parameter sections
 * it may not read are hidden by the scaffolder, not a reason to refuse the template.
 *
 * @example
 * ```ts
 * if (await canRunTemplate(auth, principal, template)) showCreateButton();
 * ```
 */
export async function canRunTemplate(auth: PortalAuth, principal: Principal, template: Entity): Promise<boolean> {
  if ((await auth.authorize(principal, scaffolderTaskCreatePermission)).result !== 'ALLOW') return false;
  const steps = (template.spec as { steps?: unknown } | undefined)?.steps;
  if (!Array.isArray(steps)) return true;
  for (const step of steps) {
    if (typeof step !== 'object' || step === null) continue;
    if (!(await auth.authorizeResource(principal, scaffolderTemplateStepReadPermission, step as Record<string, unknown>, scaffolderTemplateRules))) return false;
  }
  return true;
}
