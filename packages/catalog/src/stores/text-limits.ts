import { InputError } from '@portalkit/core';
import { assertQueryText } from '../query/query-text.js';

/**
 * The longest entity ref (`kind:namespace/name`, in UTF-16 code units) the catalog accepts.
 * Refs are keys of store indexes, and a PostgreSQL btree row holds at most ~2.7 kB; 256 units
 * are at most 768 bytes of UTF-8. Every ref of a valid entity fits (kind, namespace and name
 * are at most 63 characters each); a longer one (a child entity, a relation target, a
 * provider's entity) is refused alone with a processing error.
 *
 * @example
 * ```ts
 * if (ref.length > MAX_ENTITY_REF_LENGTH) console.warn('this ref will be refused');
 * ```
 */
export const MAX_ENTITY_REF_LENGTH = 256;

/**
 * The longest location target (in UTF-16 code units, as given) the catalog accepts, from
 * `POST /locations` (a 400 beyond it) or from a `Location` entity's `spec.target(s)` (a
 * processing error for that one target).
 *
 * @example
 * ```ts
 * if (target.length > MAX_LOCATION_TARGET_LENGTH) throw new Error('too long to register');
 * ```
 */
export const MAX_LOCATION_TARGET_LENGTH = 4096;

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * Check a ref before it becomes a store key: storable text ({@link assertQueryText}) of at most
 * {@link MAX_ENTITY_REF_LENGTH} units, else an `InputError`.
 *
 * @example
 * ```ts
 * assertEntityRefText('component:default/a'); // passes
 * ```
 */
export function assertEntityRefText(ref: string, parameter = 'entity reference'): void {
  assertQueryText(ref, parameter);
  if (ref.length > MAX_ENTITY_REF_LENGTH) {
    throw new InputError(`Invalid ${parameter}: ${show(ref)} is longer than ${MAX_ENTITY_REF_LENGTH} characters`);
  }
}

/**
 * Check a location target as written: at most {@link MAX_LOCATION_TARGET_LENGTH} units, else an
 * `InputError`.
 *
 * @example
 * ```ts
 * assertLocationTargetLength('./catalog-info.yaml'); // passes
 * ```
 */
export function assertLocationTargetLength(target: string): void {
  if (target.length > MAX_LOCATION_TARGET_LENGTH) {
    throw new InputError(`Location target ${show(target)} is longer than ${MAX_LOCATION_TARGET_LENGTH} characters`);
  }
}
