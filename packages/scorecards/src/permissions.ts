import { createPermission } from '@portalkit/core';

/**
 * Read scorecard definitions and summaries (`listScorecards`, `getScorecardSummary`). Results
 * of an entity also need `catalog.entity.read` on it: summaries, owner lists and entity results
 * only count and show entities the principal may read.
 *
 * @example
 * ```ts
 * const policy: PermissionPolicy = (principal, permission) =>
 *   permission.name === scorecardsReadPermission.name && principal.type === 'anonymous' ? { result: 'DENY' } : { result: 'ALLOW' };
 * ```
 */
export const scorecardsReadPermission = createPermission({ name: 'scorecards.read', attributes: { action: 'read' } });

/**
 * Change what scorecards hold: re-evaluate over HTTP (`POST /evaluate`). Audited as
 * `scorecards.evaluate`. Scorecards themselves change in code or as `kind: Scorecard` catalog
 * entities, under the catalog's own permissions.
 *
 * @example
 * ```ts
 * const policy: PermissionPolicy = (principal, permission) =>
 *   permission.name === scorecardsManagePermission.name ? { result: principal.ownershipEntityRefs.includes('group:default/platform') ? 'ALLOW' : 'DENY' } : { result: 'ALLOW' };
 * ```
 */
export const scorecardsManagePermission = createPermission({ name: 'scorecards.manage', attributes: { action: 'update' } });

/**
 * Every scorecards permission.
 *
 * @example
 * ```ts
 * scorecardsPermissions.map((p) => p.name); // ['scorecards.read', 'scorecards.manage']
 * ```
 */
export const scorecardsPermissions = [scorecardsReadPermission, scorecardsManagePermission] as const;
