import { InputError } from '@portalkit/core';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { z } from 'zod';

/*
 * The change a write-back makes: a JSON merge patch (RFC 7386: objects merge, `null` deletes,
 * anything else replaces) of `metadata` and `spec`. An entity's identity (kind, name, namespace)
 * and the annotations the catalog itself sets are not the patch's to change.
 */

const MAX_PATCH_BYTES = 16 * 1024;
const MAX_PATCH_DEPTH = 12;
const FIXED_METADATA = new Set(['name', 'namespace', 'uid', 'etag', 'generation']);
const FIXED_ANNOTATIONS = new Set([ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION]);

/**
 * An entity update as the library, the HTTP route and `catalog:entity:update` accept it.
 *
 * @example
 * ```ts
 * const update: EntityUpdate = { patch: { spec: { owner: 'group:default/payments' } }, title: 'Payments owns web' };
 * ```
 */
export const entityUpdateSchema = z.strictObject({
  patch: z.strictObject({ metadata: z.record(z.string(), z.unknown()).optional(), spec: z.record(z.string(), z.unknown()).optional() }),
  /** Title of the pull request; a default names the entity. */
  title: z.string().min(1).max(200).optional(),
  /** Body of the pull request. */
  description: z.string().max(10_000).optional(),
});

/** See {@link entityUpdateSchema}. */
export type EntityUpdate = z.infer<typeof entityUpdateSchema>;
/** The `patch` of an {@link EntityUpdate}. */
export type EntityPatch = EntityUpdate['patch'];

/** Check an update's shape and bounds; throws `InputError` naming what is wrong. */
export function parseEntityUpdate(input: unknown): EntityUpdate {
  const parsed = entityUpdateSchema.safeParse(input);
  if (!parsed.success) throw new InputError(`Invalid entity update: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const update = parsed.data;
  const text = JSON.stringify(update.patch);
  if (Buffer.byteLength(text) > MAX_PATCH_BYTES) throw new InputError(`Invalid entity update: the patch is larger than ${MAX_PATCH_BYTES} bytes`);
  if (depthOf(update.patch) > MAX_PATCH_DEPTH) throw new InputError(`Invalid entity update: the patch nests deeper than ${MAX_PATCH_DEPTH} levels`);
  if (!update.patch.metadata && !update.patch.spec) throw new InputError('Invalid entity update: the patch changes neither metadata nor spec');
  for (const key of Object.keys(update.patch.metadata ?? {})) {
    if (FIXED_METADATA.has(key)) throw new InputError(`Invalid entity update: metadata.${key} cannot be changed by an update`);
  }
  const annotations = update.patch.metadata?.['annotations'];
  if (annotations && typeof annotations === 'object') {
    for (const key of Object.keys(annotations)) {
      if (FIXED_ANNOTATIONS.has(key)) throw new InputError(`Invalid entity update: annotation ${key} is set by the catalog`);
    }
  }
  return update;
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

function depthOf(value: unknown, depth = 0): number {
  if (typeof value !== 'object' || value === null || depth > MAX_PATCH_DEPTH) return depth;
  let max = depth;
  for (const child of Object.values(value)) max = Math.max(max, depthOf(child, depth + 1));
  return max;
}
