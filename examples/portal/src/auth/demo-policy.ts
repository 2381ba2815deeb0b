import { createPolicy, type PermissionPolicy } from '@portalkit/core';
import { catalogEntityPermissionRules, catalogPermissions } from '@portalkit/catalog-model';
import { scaffolderPermissions, scaffolderTaskRules, scaffolderTemplateRules } from '@portalkit/scaffolder';

/** Entities with this label are read only by members of the platform team. */
export const RESTRICTED_LABEL = 'portalkit.dev/restricted';
/** The group whose members read restricted entities and run templates tagged {@link PLATFORM_TAG}. */
export const PLATFORM_GROUP = 'group:default/team-platform';
/** The `backstage:permissions` tag of template steps and parameter sections only the platform team may use. */
export const PLATFORM_TAG = 'platform';

/**
 * The example portal's policy, declared with core's `createPolicy` (first matching statement
 * decides; nothing matched: deny):
 * - team-platform members may do everything;
 * - reading: everyone, anonymous included, reads the catalog (and so search, docs and
 *   scorecards) except entities labelled `portalkit.dev/restricted`;
 * - template parameter sections and steps tagged `platform` (`backstage:permissions`) are for
 *   team-platform only, so only they may run such a template;
 * - signed-in users see and cancel their own tasks, run templates, read, analyze and register
 *   locations and refresh entities; they may not delete entities or locations;
 * - anonymous: read only, and not locations (they name server paths) nor location analysis.
 * Every statement is checked against the rules and permissions when the policy is built.
 *
 * @example
 * ```ts
 * const auth = createPortalAuth({ identify, policy: createDemoPolicy() });
 * ```
 */
export function createDemoPolicy(): PermissionPolicy {
  return createPolicy({
    rules: [catalogEntityPermissionRules, scaffolderTemplateRules, scaffolderTaskRules],
    permissions: [...catalogPermissions, ...scaffolderPermissions],
    statements: [
      { permission: '*', principals: { types: ['user'], ownershipEntityRefs: [PLATFORM_GROUP] }, decision: 'allow' },
      { permission: 'catalog.entity.read', decision: { conditions: { not: { rule: 'HAS_LABEL', params: { label: RESTRICTED_LABEL } } } } },
      {
        permission: ['scaffolder.template.parameter.read', 'scaffolder.template.step.read'],
        decision: { conditions: { not: { rule: 'HAS_TAG', params: { tag: PLATFORM_TAG } } } },
      },
      {
        permission: ['scaffolder.task.read', 'scaffolder.task.cancel'],
        principals: { types: ['user'] },
        decision: { conditions: { rule: 'IS_TASK_OWNER', params: { createdBy: ['$userEntityRef'] } } },
      },
      { permission: ['scaffolder.task.read', 'scaffolder.task.cancel', 'catalog.entity.delete', 'catalog.location.delete'], decision: 'deny' },
      // Write-back (change an entity through its source): its owners only (docs/write-back.md).
      {
        permission: 'catalog.entity.update',
        principals: { types: ['user'] },
        decision: { conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: '$ownershipEntityRefs' } } },
      },
      { permission: 'catalog.entity.update', decision: 'deny' },
      // Locations name server paths and URLs, and analysis reads what a location points at: users only.
      { permission: ['catalog.location.read', 'catalog.location.analyze'], principals: { types: ['user'] }, decision: 'allow' },
      { permission: ['catalog.location.read', 'catalog.location.analyze'], decision: 'deny' },
      // Other reads (search, docs, scorecards) are open; other changes need a user.
      { permission: '*', actions: ['read'], decision: 'allow' },
      { permission: '*', principals: { types: ['user'] }, decision: 'allow' },
    ],
    default: 'deny',
  });
}
