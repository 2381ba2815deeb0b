import { ANNOTATION_LOCATION, stringifyEntityRef } from '@portalkit/catalog-model';
import { parseLocationRef } from '../processing/paths.js';
import type { AnalyzeLocationResult, CatalogView } from '../types.js';

/**
 * Analyze a location the way Backstage's `POST /analyze-location` does, as a dry-run
 * registration: every entity the location yields (except the generated `Location` entity),
 * with the file it came from and whether the location is already registered. Nothing is stored.
 *
 * @example
 * ```ts
 * const result = await analyzeLocation(catalog, { type: 'url', target: 'https://github.com/acme/repo/blob/main/catalog-info.yaml' });
 * ```
 */
export async function analyzeLocation(
  catalog: Pick<CatalogView, 'addLocation'>,
  location: { type: string; target: string },
): Promise<AnalyzeLocationResult> {
  const result = await catalog.addLocation(location, { dryRun: true });
  const root = { type: result.location.type, target: result.location.target };
  return {
    existingEntityFiles: result.entities
      .filter((entity) => stringifyEntityRef(entity) !== result.location.entityRef)
      .map((entity) => ({
        location: parseLocationRef(entity.metadata.annotations?.[ANNOTATION_LOCATION]) ?? root,
        isRegistered: result.exists === true,
        entity,
      })),
    generateEntities: [],
  };
}
