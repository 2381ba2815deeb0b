import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@portalkit/core';
import { LocationProblemsError } from './location-problems.js';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from '@portalkit/catalog-model';
import type { PassInput, PassItem } from '../processing/engine.js';
import { parseLocationRef, stringifyLocationRef } from '../processing/paths.js';
import type { LocationSpec } from '../processing/processor.js';
import { queryLocationList } from '../query/locations.js';
import { refKey } from '../query/ref-key.js';
import type { CatalogStore, StoredLocation } from '../stores/types.js';
import type { CatalogLibrary } from '../types.js';
import { locationRootInput, locationRootKey, toLocation } from './location-entity.js';
import { normalizeLocation } from './normalize-location.js';

/** What the location service needs from the rest of the catalog. */
export interface LocationServiceOptions {
  store: CatalogStore;
  /** Base of relative `file` targets; none may point outside it. */
  rootDir: string;
  /** Runs catalog mutations one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Processes entities (and what they emit) without storing them. */
  pass(inputs: readonly PassInput[]): Promise<Map<string, PassItem>>;
  /** Stores a pass and deletes refs, restitching what changed. */
  commit(items: Map<string, PassItem>, deleteRefs?: readonly string[]): Promise<void>;
  /** `roots` plus everything below them that nothing else emits. */
  cascade(roots: readonly string[]): Promise<string[]>;
}

/** Registered locations (Backstage's `LocationService`), plus registering the configured ones. */
export type LocationService = Pick<
  CatalogLibrary,
  'addLocation' | 'removeLocation' | 'updateLocation' | 'getLocations' | 'getLocation' | 'getLocationByEntity' | 'queryLocations'
> & {
  /** Store each configured location not registered yet (same type and normalised target); reads nothing. */
  registerConfigured(specs: readonly LocationSpec[]): Promise<void>;
};

const newLocation = (loc: { type: string; target: string }): StoredLocation => ({ id: randomUUID(), ...loc, createdAt: new Date().toISOString() });

/**
 * The location service (Backstage's `DefaultLocationService`): normalises targets (`file`
 * inside the root, `url` parsed), refuses duplicates, reads a location before storing it (dry
 * runs read only), and removes or retargets a location with the entities only it produced.
 *
 * @example
 * ```ts
 * const locations = createLocationService({ store, rootDir, exclusive, pass, commit, cascade });
 * const { location, entities } = await locations.addLocation({ type: 'file', target: './catalog-info.yaml' });
 * ```
 */
export function createLocationService(options: LocationServiceOptions): LocationService {
  const { store, rootDir, exclusive, pass, commit, cascade } = options;
  const normalize = (spec: { type?: string; target: string }) => normalizeLocation({ type: spec?.type ?? 'url', target: spec?.target }, rootDir);
  /** The registered location with this id (from `locations` when already listed), else a 404. */
  const storedLocation = async (id: string, locations?: StoredLocation[]): Promise<StoredLocation> => {
    const loc = (locations ?? (await store.listLocations())).find((l) => l.id === id);
    if (!loc) throw new NotFoundError(`Found no location with ID ${id}`);
    return loc;
  };
  /** Refs of the entities a location's tree hangs from (its generated `Location` entity). */
  const locationRoots = async (id: string) => (await store.getRefreshStates({ rootKeys: [locationRootKey(id)] })).map((r) => r.entityRef);

  /** Read a location without storing anything: its entities, or every problem found as one InputError. */
  const dryRun = async (loc: { type: string; target: string }, existing: StoredLocation | undefined) => {
    const candidate = existing ?? newLocation(loc);
    const items = await pass([locationRootInput(candidate)]);
    const errors = [...items.values()].flatMap((i) => i.errors);
    if (errors.length) {
      throw new LocationProblemsError(stringifyLocationRef(loc), errors);
    }
    return {
      location: toLocation(candidate),
      entities: [...items.values()].flatMap((i) => (i.processed ? [i.processed] : [])),
      exists: existing !== undefined,
    };
  };

  return {
    async registerConfigured(specs) {
      const existing = await store.listLocations();
      for (const spec of specs) {
        const loc = normalizeLocation(spec, rootDir);
        if (existing.some((e) => e.type === loc.type && e.target === loc.target)) continue;
        const stored = newLocation(loc);
        await store.transaction(async (tx) => tx.putLocation(stored));
        existing.push(stored);
      }
    },

    async addLocation(spec, addOptions = {}) {
      const loc = normalize(spec);
      return exclusive(async () => {
        const existing = (await store.listLocations()).find((l) => l.type === loc.type && l.target === loc.target);
        if (addOptions.dryRun) return dryRun(loc, existing);
        if (existing) throw new ConflictError(`Location ${stringifyLocationRef(loc)} already exists`);
        const stored = newLocation(loc);
        await store.transaction(async (tx) => tx.putLocation(stored));
        const items = await pass([locationRootInput(stored)]);
        await commit(items);
        const byRef = new Map((await store.getEntities({ refs: [...items.keys()] })).map((f) => [f.entityRef, f]));
        return {
          location: toLocation(stored),
          entities: [...items.keys()].flatMap((ref) => {
            const row = byRef.get(ref);
            return row ? [structuredClone(row.entity)] : [];
          }),
        };
      });
    },

    async removeLocation(id) {
      await exclusive(async () => {
        await storedLocation(id);
        const deletes = await cascade(await locationRoots(id));
        await store.transaction(async (tx) => tx.deleteLocation(id));
        await commit(new Map(), deletes);
      });
    },

    async updateLocation(id, spec) {
      const loc = normalize(spec);
      return exclusive(async () => {
        const locations = await store.listLocations();
        const current = await storedLocation(id, locations);
        if (locations.some((l) => l.id !== id && l.type === loc.type && l.target === loc.target)) {
          throw new ConflictError(`Location ${stringifyLocationRef(loc)} already exists`);
        }
        const updated: StoredLocation = { ...current, ...loc };
        const formerRoots = await locationRoots(id);
        // Read the new target before changing anything: a pass that throws leaves all as it was.
        const items = await pass([locationRootInput(updated)]);
        const doomed = (await cascade(formerRoots)).filter((ref) => !items.has(ref));
        await store.transaction(async (tx) => tx.putLocation(updated));
        await commit(items, doomed);
        return toLocation(updated);
      });
    },

    async getLocations() {
      return (await store.listLocations()).map(toLocation);
    },

    async queryLocations(request) {
      return queryLocationList((await store.listLocations()).map(toLocation), request);
    },

    async getLocation(id) {
      return toLocation(await storedLocation(id));
    },

    async getLocationByEntity(ref) {
      const key = refKey(ref);
      const [row] = await store.getEntities({ refs: [key] });
      if (!row) throw new NotFoundError(`No entity ${key}`);
      const annotations = row.entity.metadata.annotations ?? {};
      const origin = parseLocationRef(annotations[ANNOTATION_ORIGIN_LOCATION] ?? annotations[ANNOTATION_LOCATION]);
      const loc = origin && (await store.listLocations()).find((l) => l.type === origin.type && l.target === origin.target);
      if (!loc) throw new NotFoundError(`No registered location for entity ${key}`);
      return toLocation(loc);
    },
  };
}
