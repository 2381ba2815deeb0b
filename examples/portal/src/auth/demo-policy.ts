import type { PermissionCondition, PermissionCriteria, PermissionPolicy, PolicyDecision, Principal } from '@portalkit/core';
import { catalogConditions, createCatalogConditionalDecision } from '@portalkit/catalog-model';

/** Entities with this label are read only by members of the platform team. */
export const RESTRICTED_LABEL = 'portalkit.dev/restricted';
/** The group whose members read restricted entities and run templates tagged {@link PLATFORM_TAG}. */
export const PLATFORM_GROUP = 'group:default/team-platform';
/** The `backstage:permissions` tag of template steps and parameter sections only the platform team may use. */
export const PLATFORM_TAG = 'platform';

const ALLOW: PolicyDecision = { result: 'ALLOW' };
const DENY: PolicyDecision = { result: 'DENY' };

/**
 * The example portal's policy:
 * - reading: everyone, anonymous included, reads the catalog (and so search, docs and
 *   scorecards) except entities labelled `portalkit.dev/restricted`, which only members of
 *   team-platform read;
 * - template parameter sections and steps tagged `platform` (`backstage:permissions`): only
 *   team-platform; so only they may run such a template;
 * - running templates, registering locations and refreshing entities: signed-in users;
 * - deleting entities and locations: team-platform;
 * - anonymous: read only.
 *
 * @example
 * ```ts
 * const auth = createPortalAuth({ identify, policy: createDemoPolicy() });
 * ```
 */
export function createDemoPolicy(): PermissionPolicy {
  return (principal, permission) => {
    const signedIn = principal.type === 'user';
    const platform = isPlatformMember(principal);
    switch (permission.name) {
      case 'catalog.entity.read':
        return platform ? ALLOW : createCatalogConditionalDecision({ not: catalogConditions.hasLabel({ label: RESTRICTED_LABEL }) });
      case 'scaffolder.template.parameter.read':
      case 'scaffolder.template.step.read':
        return platform ? ALLOW : { result: 'CONDITIONAL', resourceType: 'scaffolder-template', conditions: notTagged(PLATFORM_TAG) };
      case 'scaffolder.task.read':
      case 'scaffolder.task.cancel':
        // Everyone signed in sees and cancels their own tasks; the platform team sees all.
        if (!signedIn) return DENY;
        return platform ? ALLOW : { result: 'CONDITIONAL', resourceType: 'scaffolder-task', conditions: { resourceType: 'scaffolder-task', rule: 'IS_TASK_OWNER', params: { createdBy: [principal.userEntityRef ?? principal.subject] } } };
      case 'catalog.entity.delete':
      case 'catalog.location.delete':
        return platform ? ALLOW : DENY;
      default:
        // Other reads (locations, search, docs, scorecards) are open; other changes need a user.
        if (permission.attributes.action === 'read') return ALLOW;
        return signedIn ? ALLOW : DENY;
    }
  };
}

function isPlatformMember(principal: Principal): boolean {
  return principal.type === 'user' && principal.ownershipEntityRefs.includes(PLATFORM_GROUP);
}

function notTagged(tag: string): PermissionCriteria<PermissionCondition> {
  return { not: { resourceType: 'scaffolder-template', rule: 'HAS_TAG', params: { tag } } };
}
