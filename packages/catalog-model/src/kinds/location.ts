import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty, refList } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a Location (Backstage `Location.v1alpha1.schema.json`): every field is optional;
 * `presence` is `required` or `optional`.
 * @example
 * ```ts
 * locationSpecSchema.parse({ type: 'url', targets: ['./a/catalog-info.yaml'] });
 * ```
 */
export const locationSpecSchema = z.looseObject({
  type: nonEmpty.optional(),
  target: nonEmpty.optional(),
  targets: refList.optional(),
  presence: z.enum(['required', 'optional']).optional(),
});

/**
 * A Location entity: a pointer to more catalog files.
 * @example
 * ```ts
 * const l: LocationEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'root' }, spec: { targets: ['./a.yaml'] } };
 * ```
 */
export type LocationEntity = Entity & { kind: 'Location'; spec: z.infer<typeof locationSpecSchema> };

/**
 * The built-in Location kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [locationKind] });
 * ```
 */
export const locationKind = defineKind({
  kind: 'Location',
  apiVersions: backstageApiVersions,
  schema: locationSpecSchema,
  description: 'A marker that references other places to look for catalog data.',
});
