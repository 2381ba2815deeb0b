import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, profileSchema, refList } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a User (Backstage `User.v1alpha1.schema.json`, @backstage/catalog-model 1.10):
 * `memberOf` (possibly empty) is required.
 * @example
 * ```ts
 * userSpecSchema.parse({ memberOf: ['team-a'] });
 * ```
 */
export const userSpecSchema = z.looseObject({
  profile: profileSchema.optional(),
  memberOf: refList,
});

/**
 * A User entity: a person.
 * @example
 * ```ts
 * const u: UserEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'jane' }, spec: { memberOf: [] } };
 * ```
 */
export type UserEntity = Entity & { kind: 'User'; spec: z.infer<typeof userSpecSchema> };

/**
 * The built-in User kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [userKind] });
 * ```
 */
export const userKind = defineKind({
  kind: 'User',
  apiVersions: backstageApiVersions,
  schema: userSpecSchema,
  description: 'A person, such as an employee or contractor.',
});
