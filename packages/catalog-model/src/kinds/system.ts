import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a System (Backstage `System.v1alpha1.schema.json`): `owner` is required.
 * @example
 * ```ts
 * systemSpecSchema.parse({ owner: 'team-a', domain: 'payments' });
 * ```
 */
export const systemSpecSchema = z.looseObject({
  owner: nonEmpty,
  domain: nonEmpty.optional(),
  type: nonEmpty.optional(),
});

/**
 * A System entity: a collection of components, APIs and resources.
 * @example
 * ```ts
 * const s: SystemEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'pay' }, spec: { owner: 't' } };
 * ```
 */
export type SystemEntity = Entity & { kind: 'System'; spec: z.infer<typeof systemSpecSchema> };

/**
 * The built-in System kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [systemKind] });
 * ```
 */
export const systemKind = defineKind({
  kind: 'System',
  apiVersions: backstageApiVersions,
  schema: systemSpecSchema,
  description: 'A collection of resources and components that cooperate to perform a function.',
});
