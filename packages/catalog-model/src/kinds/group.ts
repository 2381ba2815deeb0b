import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty, profileSchema, refList } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a Group (Backstage `Group.v1alpha1.schema.json`): `type` and `children` (possibly
 * empty) are required.
 * @example
 * ```ts
 * groupSpecSchema.parse({ type: 'team', children: [] });
 * ```
 */
export const groupSpecSchema = z.looseObject({
  type: nonEmpty,
  profile: profileSchema.optional(),
  parent: nonEmpty.optional(),
  children: refList,
  members: refList.optional(),
});

/**
 * A Group entity: a team or other organizational unit.
 * @example
 * ```ts
 * const g: GroupEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } };
 * ```
 */
export type GroupEntity = Entity & { kind: 'Group'; spec: z.infer<typeof groupSpecSchema> };

/**
 * The built-in Group kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [groupKind] });
 * ```
 */
export const groupKind = defineKind({
  kind: 'Group',
  apiVersions: backstageApiVersions,
  schema: groupSpecSchema,
  description: 'An organizational entity, such as a team or business unit.',
});
