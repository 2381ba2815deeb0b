import { InputError } from '@portalkit/core';
import { entityUpdateSchema } from '@portalkit/catalog-model';
import type { Entity, EntityUpdate } from '@portalkit/catalog-model';

/*
 * Applying an entity update (its contract, `entityUpdateSchema`, is catalog-model's): a JSON
 * merge patch of the entity's metadata and spec.
 */

/** The `patch` of an {@link EntityUpdate}. */
export type EntityPatch = EntityUpdate['patch'];

/** Check an update's shape and bounds; throws `InputError` naming every problem. */
export function parseEntityUpdate(input: unknown): EntityUpdate {
  const parsed = entityUpdateSchema.safeParse(input);
  if (!parsed.success) throw new InputError(`Invalid entity update: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * `target` with `patch` merged in (RFC 7386), as a new object; `target` is not changed.
 *
 * @example
 * ```ts
 * mergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }); // { a: 1, b: { d: 3 } }
 * ```
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The entity with `patch` applied to its metadata and spec. */
export function patchEntity(entity: Entity, patch: EntityPatch): Entity {
  return {
    ...entity,
    ...(patch.metadata ? { metadata: mergePatch(entity.metadata, patch.metadata) as Entity['metadata'] } : {}),
    ...(patch.spec ? { spec: mergePatch(entity.spec ?? {}, patch.spec) as Entity['spec'] } : {}),
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
