import { InputError } from '@portalkit/core';
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

/** Parsed, lower-cased entity reference. */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/** `Component:Default/Foo` -> `{ kind: 'component', namespace: 'default', name: 'foo' }`. */
export function parseEntityRef(ref: string): EntityName {
  const match = /^([^:/]+):(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!match) throw new InputError(`Invalid entity ref '${ref}': expected kind:[namespace/]name`);
  return {
    kind: match[1]!.toLocaleLowerCase('en-US'),
    namespace: (match[2] ?? 'default').toLocaleLowerCase('en-US'),
    name: match[3]!.toLocaleLowerCase('en-US'),
  };
}

/** The lower-cased ref of an entity; refs compare case-insensitively, so this is the search key. */
export function entityNameOf(entity: SearchableEntity): EntityName {
  return {
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase('en-US'),
    name: entity.metadata.name.toLocaleLowerCase('en-US'),
  };
}

/** `kind:namespace/name`. */
export function stringifyEntityName(n: EntityName): string {
  return `${n.kind}:${n.namespace}/${n.name}`;
}
