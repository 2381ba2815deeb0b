import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of an API (Backstage `API.v1alpha1.schema.json`): `type`, `lifecycle`, `owner` and
 * `definition` are required. A `$text`/`$json`/`$yaml` placeholder in `definition` must be
 * resolved before validation, as Backstage's placeholder processor does.
 *
 * @example
 * ```ts
 * apiSpecSchema.parse({ type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: 'openapi: 3.0.0' });
 * ```
 */
export const apiSpecSchema = z.looseObject({
  type: nonEmpty,
  lifecycle: nonEmpty,
  owner: nonEmpty,
  system: nonEmpty.optional(),
  definition: nonEmpty,
});

/**
 * An API entity: an interface a component exposes.
 * @example
 * ```ts
 * const a: ApiEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'x' }, spec: { type: 'openapi', lifecycle: 'production', owner: 't', definition: '{}' } };
 * ```
 */
export type ApiEntity = Entity & { kind: 'API'; spec: z.infer<typeof apiSpecSchema> };

/**
 * The built-in API kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [apiKind] });
 * ```
 */
export const apiKind = defineKind({
  kind: 'API',
  apiVersions: backstageApiVersions,
  schema: apiSpecSchema,
  description: 'An interface that can be exposed by a component.',
});
