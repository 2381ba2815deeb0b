import { InputError } from '@portalkit/core';
import { defaultFieldValidators } from '../fieldFormats.js';
import type { KindDefinition } from '../types.js';

/**
 * Check and freeze a kind definition. Throws `InputError` naming the kind when the kind or an
 * apiVersion is not in Backstage's format, or when no apiVersion is given.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * const widgetKind = defineKind({
 *   kind: 'Widget',
 *   apiVersions: ['example.com/v1'],
 *   schema: z.looseObject({ owner: z.string().min(1), size: z.number().int().positive() }),
 * });
 * const validator = createEntityValidator({ kinds: [...builtinKinds, widgetKind] });
 * ```
 */
export function defineKind<const T extends KindDefinition>(definition: T): Readonly<T> {
  const { kind, apiVersions, schema, schemaTarget } = definition;
  const label = `kind definition ${JSON.stringify(kind)}`;
  if (!defaultFieldValidators.isValidKind(kind)) {
    throw new InputError(`Invalid ${label}: kind must match [a-zA-Z][a-z0-9A-Z]* (at most 63 characters)`);
  }
  if (!Array.isArray(apiVersions) || apiVersions.length === 0) {
    throw new InputError(`Invalid ${label}: apiVersions must list at least one apiVersion`);
  }
  for (const apiVersion of apiVersions) {
    if (!defaultFieldValidators.isValidApiVersion(apiVersion)) {
      throw new InputError(`Invalid ${label}: apiVersion ${JSON.stringify(apiVersion)} is not valid`);
    }
  }
  if (!schema || typeof (schema as { safeParse?: unknown }).safeParse !== 'function') {
    throw new InputError(`Invalid ${label}: schema must be a zod schema`);
  }
  if (schemaTarget !== undefined && schemaTarget !== 'spec' && schemaTarget !== 'entity') {
    throw new InputError(`Invalid ${label}: schemaTarget must be 'spec' or 'entity'`);
  }
  return Object.freeze({ ...definition, apiVersions: Object.freeze([...apiVersions]) });
}
