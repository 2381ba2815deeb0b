import { NotAllowedError, NotFoundError } from '@portalkit/core';
import type { Permission } from '@portalkit/core';
import { catalogLocationAnalyzePermission, catalogLocationReadPermission } from '@portalkit/catalog-model';
import { createEntitiesReader, type EntitiesReader } from '../entities/entities-reader.js';
import { createGraphReader } from '../graph/graph-reader.js';
import { analyzeLocation } from '../locations/analyze-location.js';
import { queryLocationList } from '../query/locations.js';
import { refKey } from '../query/ref-key.js';
import type { CatalogView } from '../types.js';
import type { CatalogAccess } from './access.js';
import { createAuthorizedMutations } from './authorized-mutations.js';
import type { CatalogParts } from './catalog-parts.js';
import { createReadableDryRun } from './location-dry-run.js';
import { redactProcessingErrors } from './readable-results.js';

/**
 * The catalog as `access` may use it. Entity reads go through an entities reader scoped by
 * `access.readFilter()`, so the store filters (lists, counts, facets, cursors, by-refs,
 * ancestry; relations to entities it cannot read are dropped); location reads need
 * `catalog.location.read` (denied: empty lists, not found); validation and analysis need
 * `catalog.location.analyze` (analysis: an allowed location type, and only readable entities);
 * provider statuses need `catalog.location.read` (denied: `NotAllowedError`);
 * processing errors name no entity the caller cannot read; mutations are checked and audited
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
    ...createGraphReader({ store: parts.store, readFilter: access.readFilter }),
    ...mutations,
    ...locationReads(parts, reader, readsLocations),
    async getProviderStatuses() {
      // Statuses say where entities come from and what failed there, as locations do.
      await require(catalogLocationReadPermission);
      return parts.providerStatuses();
    },
    async validateEntity(entity, locationRef) {
      await require(catalogLocationAnalyzePermission);
      return parts.validateEntity(entity, locationRef);
    },
    async analyzeLocation(location) {
      await require(catalogLocationAnalyzePermission);
      // The same dry run as addLocation's: allowed types only, readable entities, redacted problems.
      return analyzeLocation({ addLocation: createReadableDryRun(parts, access) }, location);
    },
    async getProcessingErrors() {
      const reports = await parts.getProcessingErrors();
      const readFilter = await access.readFilter();
      if (readFilter === undefined) return reports;
      // Only reports of entities the caller can read; an entity never served cannot be checked.
      const { items } = await reader.getEntitiesByRefs(
        reports.map((r) => r.entityRef),
        { fields: ['kind'] },
      );
      const shown = reports.filter((_, i) => items[i] !== undefined);
      // Their messages may name other entities ("… is already provided by …"): those it cannot read are redacted.
      const errors = await redactProcessingErrors(
        parts.store,
        shown.flatMap((r) => r.errors),
        readFilter,
      );
      let next = 0;
      return shown.map((r) => ({ ...r, errors: r.errors.map(() => errors[next++]!) }));
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
