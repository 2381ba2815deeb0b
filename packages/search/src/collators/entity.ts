import { InputError } from '@portalkit/core';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import { z } from 'zod';

/**
 * The parts of a Backstage entity that search reads. Taken structurally, so entities from
 * `@portalkit/catalog`, `@backstage/catalog-model` or plain YAML all fit.
 *
 * @example
 * ```ts
 * const entity: SearchableEntity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments' }, spec: { owner: 'team-a' } };
 * ```
 */
export interface SearchableEntity {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    tags?: string[];
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Schema of {@link SearchableEntity}; lenient about everything search does not read. */
export const searchableEntitySchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.record(z.string(), z.unknown()).optional(),
});

/** Parse an entity; `InputError` naming what is wrong. */
export function parseEntity(value: unknown): SearchableEntity {
  const parsed = searchableEntitySchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'entity'}: ${i.message}`);
    throw new InputError(`Invalid entity: ${problems.join('; ')}`);
  }
  return parsed.data as SearchableEntity;
}

/**
 * The search key of a ref: `kind:namespace/name`, lower-cased, parsed with the catalog's one
 * grammar (`@portalkit/catalog-model`). Throws `InputError` for a ref without a kind or name.
 */
export function refKey(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref));
}

/** The search key of an entity; refs compare case-insensitively, so this is its lower-cased ref. */
export function entityKey(entity: SearchableEntity): string {
  return stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace, name: entity.metadata.name });
}

/** An `InputError` naming what is wrong with an event payload, one issue per path. */
export function payloadError(topic: string, error: z.ZodError): InputError {
  const problems = error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
  return new InputError(`Invalid ${topic} payload: ${problems.join('; ')}`);
}
