import { InputError } from '@portalkit/core';
import { defaultFieldValidators } from '../fieldFormats.js';
import type { KindDefinition } from '../types.js';
import { kindSchemaProblem } from './zodMajor.js';

/**
 * Check and freeze a kind definition. Throws `InputError` naming the kind when the kind or an
 * apiVersion is not in Backstage's format, when no apiVersion is given, or when the schema is not
 * a zod 4 schema (a zod 3 schema is named as such: use `zod@4` or the `zod/v4` subpath).
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
  const schemaProblem = kindSchemaProblem(schema);
  if (schemaProblem) throw new InputError(`Invalid ${label}: ${schemaProblem}`);
  if (schemaTarget !== undefined && schemaTarget !== 'spec' && schemaTarget !== 'entity') {
    throw new InputError(`Invalid ${label}: schemaTarget must be 'spec' or 'entity'`);
  }
  return Object.freeze({ ...definition, apiVersions: Object.freeze([...apiVersions]) });
}
