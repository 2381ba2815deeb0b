import { InputError } from '@portalkit/core';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';

/**
 * The catalog's key of a caller's entity ref (lowercase `kind:namespace/name`); a malformed
 * ref is an `InputError` (400).
 *
 * @example
 * ```ts
 * refKey('Component:a'); // 'component:default/a'
 * ```
 */
export function refKey(ref: string | { kind: string; namespace?: string; name: string }): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch (error) {
    throw new InputError(`Invalid entity ref ${JSON.stringify(ref)}`, { cause: error });
  }
}
