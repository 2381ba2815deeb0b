import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty, refList } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a Component (Backstage `Component.v1alpha1.schema.json`): `type`, `lifecycle` and
 * `owner` are required.
 *
 * @example
 * ```ts
 * componentSpecSchema.parse({ type: 'service', lifecycle: 'production', owner: 'team-a' });
 * ```
 */
export const componentSpecSchema = z.looseObject({
  type: nonEmpty,
  lifecycle: nonEmpty,
  owner: nonEmpty,
  system: nonEmpty.optional(),
  subcomponentOf: nonEmpty.optional(),
  providesApis: refList.optional(),
  consumesApis: refList.optional(),
  dependsOn: refList.optional(),
  dependencyOf: refList.optional(),
});

/**
 * A Component entity: a piece of software with a deployable or linkable artifact.
 * @example
 * ```ts
 * const c: ComponentEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
 * ```
 */
export type ComponentEntity = Entity & { kind: 'Component'; spec: z.infer<typeof componentSpecSchema> };

/**
 * The built-in Component kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [componentKind] });
 * ```
 */
export const componentKind = defineKind({
  kind: 'Component',
  apiVersions: backstageApiVersions,
  schema: componentSpecSchema,
  description: 'A software component, usually with a distinct deployable or linkable artifact.',
});
