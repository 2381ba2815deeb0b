import { z } from 'zod';
import type { Entity } from '../types.js';
import { backstageApiVersions, nonEmpty } from './common.js';
import { defineKind } from './defineKind.js';

/**
 * `spec` of a Domain (Backstage `Domain.v1alpha1.schema.json`): `owner` is required.
 * @example
 * ```ts
 * domainSpecSchema.parse({ owner: 'team-a' });
 * ```
 */
export const domainSpecSchema = z.looseObject({
  owner: nonEmpty,
  subdomainOf: nonEmpty.optional(),
  type: nonEmpty.optional(),
});

/**
 * A Domain entity: a group of systems sharing terminology or a business purpose.
 * @example
 * ```ts
 * const d: DomainEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Domain', metadata: { name: 'pay' }, spec: { owner: 't' } };
 * ```
 */
export type DomainEntity = Entity & { kind: 'Domain'; spec: z.infer<typeof domainSpecSchema> };

/**
 * The built-in Domain kind.
 * @example
 * ```ts
 * createEntityValidator({ kinds: [domainKind] });
 * ```
 */
export const domainKind = defineKind({
  kind: 'Domain',
  apiVersions: backstageApiVersions,
  schema: domainSpecSchema,
  description: 'A group of systems that share terminology, domain models, metrics or a business purpose.',
});
