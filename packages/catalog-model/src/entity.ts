import { z } from 'zod';

/*
 * The entity envelope as zod schemas, transcribed from Backstage's `Entity.schema.json`,
 * `EntityMeta.schema.json` and `shared/common.schema.json` (@backstage/catalog-model): the same
 * required fields, types and `minLength: 1` constraints. Format rules (name, namespace, tag, ...)
 * live in `fieldFormats.ts`; they are not part of these schemas in Backstage either.
 */

const nonEmptyString = z.string().min(1);

/**
 * An external hyperlink attached to an entity (`metadata.links[]`).
 *
 * @example
 * ```ts
 * const link = entityLinkSchema.parse({ url: 'https://grafana.example.com', title: 'Dashboard' });
 * ```
 */
export const entityLinkSchema = z.looseObject({
  url: nonEmptyString,
  title: nonEmptyString.optional(),
  icon: nonEmptyString.optional(),
  type: nonEmptyString.optional(),
});

/**
 * A directed relation from the entity to another one, as found on stitched entities.
 *
 * @example
 * ```ts
 * entityRelationSchema.parse({ type: 'ownedBy', targetRef: 'group:default/team-a' });
 * ```
 */
export const entityRelationSchema = z.strictObject({
  type: nonEmptyString.regex(/^\w+$/),
  targetRef: nonEmptyString,
  /** @deprecated Backstage still accepts the old compound target; use `targetRef`. */
  target: z
    .strictObject({ kind: nonEmptyString, namespace: nonEmptyString, name: nonEmptyString })
    .optional(),
});

/**
 * One status item on a stitched entity (`status.items[]`), e.g. a processing error.
 *
 * @example
 * ```ts
 * entityStatusItemSchema.parse({ type: 'backstage.io/catalog-processing', level: 'error', message: 'boom' });
 * ```
 */
export const entityStatusItemSchema = z.looseObject({
  type: nonEmptyString,
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  error: z
    .looseObject({
      name: nonEmptyString,
      message: z.string(),
      code: z.string().optional(),
      stack: z.string().optional(),
    })
    .optional(),
});

/**
 * The `metadata` block of every entity. Unknown keys are kept, like Backstage does.
 *
 * @example
 * ```ts
 * entityMetaSchema.parse({ name: 'petstore', tags: ['java'] });
 * ```
 */
export const entityMetaSchema = z.looseObject({
  name: nonEmptyString,
  namespace: nonEmptyString.optional(),
  uid: nonEmptyString.optional(),
  etag: nonEmptyString.optional(),
  title: nonEmptyString.optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  tags: z.array(nonEmptyString).optional(),
  links: z.array(entityLinkSchema).optional(),
});

/**
 * The structure shared by every entity of every kind (Backstage's `Entity.schema.json`): no
 * other root fields are allowed. It checks shape only; `createEntityValidator` adds the format
 * rules and the kind's own schema.
 *
 * @example
 * ```ts
 * const entity = entitySchema.parse({
 *   apiVersion: 'backstage.io/v1alpha1',
 *   kind: 'Component',
 *   metadata: { name: 'petstore' },
 *   spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
 * });
 * ```
 */
export const entitySchema = z.strictObject({
  apiVersion: nonEmptyString,
  kind: nonEmptyString,
  metadata: entityMetaSchema,
  spec: z.record(z.string(), z.unknown()).optional(),
  relations: z.array(entityRelationSchema).optional(),
  status: z.looseObject({ items: z.array(entityStatusItemSchema).optional() }).optional(),
});
