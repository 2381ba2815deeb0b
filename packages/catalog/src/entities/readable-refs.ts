import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { EntityFilter } from '../query/types.js';
import type { CatalogStore, FinalEntityRow } from '../stores/types.js';

/**
 * The uids of `rows` that match `readFilter`, asked of the store (so every store decides as its
 * queries do).
 *
 * @example
 * ```ts
 * const visible = await visibleUids(store, rows, readFilter);
 * ```
 */
export async function visibleUids(store: CatalogStore, rows: readonly FinalEntityRow[], readFilter: EntityFilter): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const byUid = { key: 'metadata.uid', values: [...new Set(rows.map((r) => r.uid.toLowerCase()))] };
  const page = await store.queryEntities({ filter: { allOf: [readFilter, byUid] } });
  return new Set(page.items.map((r) => r.uid));
}

/** A ref's catalog key (`kind:namespace/name`, lowercase), `undefined` when malformed. */
export function refKeyOrUndefined(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch {
    return undefined;
  }
}

/**
 * Which of `refs` name an entity the caller can read, as catalog keys: one batched lookup for
 * the whole set (the rows by ref, then those rows ANDed with `readFilter`). A ref that names no
 * entity is not readable, so a hidden entity and a missing one look the same.
 *
 * @example
 * ```ts
 * const readable = await readableRefs(store, ['group:default/team-a'], readFilter);
 * readable.has('group:default/team-a');
 * ```
 */
export async function readableRefs(store: CatalogStore, refs: Iterable<string>, readFilter: EntityFilter): Promise<Set<string>> {
  const keys = [...new Set([...refs].map(refKeyOrUndefined).filter((k): k is string => k !== undefined))];
  if (!keys.length) return new Set();
  const rows = await store.getEntities({ refs: keys });
  const visible = await visibleUids(store, rows, readFilter);
  return new Set(rows.filter((r) => visible.has(r.uid)).map((r) => r.entityRef));
}

/**
 * Drops, in place, the relations of `entities` whose target the caller cannot read (hidden or
 * missing), deciding for the whole response with one {@link readableRefs} lookup. Without a
 * `readFilter` (an unconditional read) nothing is dropped.
 *
 * @example
 * ```ts
 * await hideUnreadableRelations(store, page.items, readFilter);
 * ```
 */
export async function hideUnreadableRelations<T extends Entity | undefined>(
  store: CatalogStore,
  entities: T[],
  readFilter: EntityFilter | undefined,
): Promise<T[]> {
  if (!readFilter) return entities;
  const targets = new Set<string>();
  for (const entity of entities) for (const relation of relationsOf(entity)) targets.add(relation.targetRef);
  if (!targets.size) return entities;
  const readable = await readableRefs(store, targets, readFilter);
  for (const entity of entities) {
    if (!entity || !Array.isArray(entity.relations)) continue;
    entity.relations = entity.relations.filter((r) => {
      const key = refKeyOrUndefined(r?.targetRef);
      return key !== undefined && readable.has(key);
    });
  }
  return entities;
}

function relationsOf(entity: Entity | undefined): { targetRef: string }[] {
  if (!entity || !Array.isArray(entity.relations)) return [];
  return entity.relations.filter((r) => typeof r?.targetRef === 'string');
}
