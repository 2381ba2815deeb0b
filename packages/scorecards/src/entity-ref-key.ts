import { InputError } from '@portalkit/core';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import { assertText } from './text.js';

/** The canonical form of an entity ref given by a caller or an event; a bad one is an `InputError`. */
export function entityRefKey(ref: string): string {
  assertText(ref, 'entity ref');
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch (error) {
    throw new InputError(`Invalid entity ref ${JSON.stringify(ref)}`, { cause: error });
  }
}
