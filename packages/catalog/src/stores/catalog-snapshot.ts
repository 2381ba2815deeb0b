import type { Catalog } from '../types.js';

/**
 * Everything a reader of `catalog` can see, for comparing runs in tests: final entities (with
 * relations and status), processing errors and locations.
 */
export async function catalogSnapshot(catalog: Catalog) {
  const { items } = await catalog.getEntities({ order: [{ field: 'metadata.uid', order: 'asc' }] });
  const locations = (await catalog.getLocations()).map((l) => `${l.type}:${l.target} ${l.entityRef}`).sort();
  return { entities: items, errors: await catalog.getProcessingErrors(), locations };
}
