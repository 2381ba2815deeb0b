import { InputError } from '@portalkit/core';
import { LocationProblemsError } from '../locations/location-problems.js';
import type { AddLocationResult } from '../types.js';
import type { CatalogAccess } from './access.js';
import type { CatalogParts } from './catalog-parts.js';
import { readableResultEntities, redactProcessingErrors } from './readable-results.js';

/**
 * Refuses a location type the caller may not use (`allowedLocationTypes`; the host may use any),
 * with Backstage's InputError.
 *
 * @example
 * ```ts
 * assertLocationType(access, { type: 'file', target: './x.yaml' }); // InputError when only ['url'] is allowed
 * ```
 */
export function assertLocationType(access: CatalogAccess, spec: { type?: string } | undefined): void {
  const allowed = access.allowedLocationTypes;
  if (allowed && !allowed.includes(spec?.type ?? 'url')) {
    throw new InputError(`Registered locations must be of an allowed type ${JSON.stringify(allowed)}`);
  }
}

/**
 * A dry run of a location as `access` may see it, for `addLocation({ dryRun })`, `analyzeLocation`
 * and the HTTP `onConflict=refresh` answer: the type must be allowed; the entities are those the
 * caller may read (see `readableResultEntities`); the problems of a failing run name no entity the
 * caller cannot read (see `redactProcessingErrors`). Permissions are the caller's to check.
 *
 * @example
 * ```ts
 * const dryRun = createReadableDryRun(parts, access);
 * const { entities } = await dryRun({ type: 'url', target });
 * ```
 */
export function createReadableDryRun(parts: Pick<CatalogParts, 'store' | 'locations'>, access: CatalogAccess) {
  return async (spec: { type?: string; target: string }): Promise<AddLocationResult> => {
    assertLocationType(access, spec);
    let result: AddLocationResult;
    try {
      result = await parts.locations.addLocation(spec, { dryRun: true });
    } catch (error) {
      if (!(error instanceof LocationProblemsError)) throw error;
      const readFilter = await access.readFilter();
      if (readFilter === undefined) throw error;
      throw new LocationProblemsError(error.locationRef, await redactProcessingErrors(parts.store, error.problems, readFilter));
    }
    return { ...result, entities: await readableResultEntities(parts.store, result.entities, await access.readFilter()) };
  };
}
