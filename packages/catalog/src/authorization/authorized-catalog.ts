import { NotAllowedError, NotFoundError } from '@portalkit/core';
import type { Permission } from '@portalkit/core';
import { catalogLocationAnalyzePermission, catalogLocationReadPermission } from '@portalkit/catalog-model';
import { createEntitiesReader, type EntitiesReader } from '../entities/entities-reader.js';
import { analyzeLocation } from '../locations/analyze-location.js';
import { queryLocationList } from '../query/locations.js';
import { refKey } from '../query/ref-key.js';
import type { CatalogView } from '../types.js';
import type { CatalogAccess } from './access.js';
import { createAuthorizedMutations } from './authorized-mutations.js';
import type { CatalogParts } from './catalog-parts.js';

/**
 * The catalog as `access` may use it. Entity reads go through an entities reader scoped by
 * `access.readFilter()`, so the store filters (lists, counts, facets, cursors, by-refs,
 * ancestry); location reads need `catalog.location.read` (denied: empty lists, not found);
 * validation and analysis need `catalog.location.analyze`; mutations are checked and audited
 * (see `createAuthorizedMutations`).
 *
 * @example
 * ```ts
 * const view = createCatalogView(parts, principalAccess({ auth, principal, logger }));
 * const { totalItems } = await view.query({ filter: { kind: 'component' } });
 * ```
 */
export function createCatalogView(parts: CatalogParts, access: CatalogAccess): CatalogView {
  const reader = createEntitiesReader({ store: parts.store, readFilter: access.readFilter });
  const mutations = createAuthorizedMutations(parts, access, reader);
  const require = async (permission: Permission) => {
    if (!(await access.allows(permission))) throw new NotAllowedError(`Not allowed: ${permission.name}`);
  };
  const readsLocations = () => access.allows(catalogLocationReadPermission);
  return {
    ...reader,
    ...mutations,
    ...locationReads(parts, reader, readsLocations),
    async validateEntity(entity, locationRef) {
      await require(catalogLocationAnalyzePermission);
      return parts.validateEntity(entity, locationRef);
    },
    async analyzeLocation(location) {
      await require(catalogLocationAnalyzePermission);
      return analyzeLocation(parts.locations, location);
    },
    async getProcessingErrors() {
      const reports = await parts.getProcessingErrors();
      if ((await access.readFilter()) === undefined) return reports;
      // Only reports of entities the caller can read; an entity never served cannot be checked.
      const { items } = await reader.getEntitiesByRefs(
        reports.map((r) => r.entityRef),
        { fields: ['kind'] },
      );
      return reports.filter((_, i) => items[i] !== undefined);
    },
  };
}

/** Location reads: `catalog.location.read` outright, and for `getLocationByEntity` an entity the caller can read. */
function locationReads(
  parts: CatalogParts,
  reader: EntitiesReader,
  readsLocations: () => Promise<boolean>,
): Pick<CatalogView, 'getLocations' | 'getLocation' | 'getLocationByEntity' | 'queryLocations'> {
  const { locations } = parts;
  return {
    getLocations: async () => ((await readsLocations()) ? locations.getLocations() : []),
    // Denied: the request is still checked (a bad one is a 400 for everyone), over no locations.
    queryLocations: async (request) => ((await readsLocations()) ? locations.queryLocations(request) : queryLocationList([], request)),
    async getLocation(id) {
      if (!(await readsLocations())) throw new NotFoundError(`Found no location with ID ${id}`);
      return locations.getLocation(id);
    },
    async getLocationByEntity(ref) {
      const key = refKey(ref);
      if (!(await readsLocations()) || !(await reader.getEntityByRef(key))) throw new NotFoundError(`No entity ${key}`);
      return locations.getLocationByEntity(key);
    },
  };
}
