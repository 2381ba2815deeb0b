import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty, refList } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a Resource (Backstage `Resource.v1alpha1.schema.json`): `type` and `owner` are required.
 * @example
 * ```ts
 * resourceSpecSchema.parse({ type: 'database', owner: 'team-a' });
 * ```
 */
export const resourceSpecSchema = z.looseObject({
  type: nonEmpty,
  owner: nonEmpty,
  dependsOn: refList.optional(),
  dependencyOf: refList.optional(),
  system: nonEmpty.optional(),
});

/**
 * A Resource entity: infrastructure a component needs at runtime.
 * @example
 * ```ts
 * const r: ResourceEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'db' }, spec: { type: 'database', owner: 't' } };
 * ```
 */
export type ResourceEntity = Entity & { kind: 'Resource'; spec: z.infer<typeof resourceSpecSchema> };

/**
 * The built-in Resource kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [resourceKind] });
 * ```
 */
export const resourceKind = defineKind({
  kind: 'Resource',
  apiVersions: backstageApiVersions,
  schema: resourceSpecSchema,
  description: 'Infrastructure a component needs to operate at runtime.',
});
