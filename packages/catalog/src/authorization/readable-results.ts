import { entityMatchesFilter, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { hideUnreadableRelations, readableRefs, redactMessage, refKeyOrUndefined, refsInText, visibleUids } from '../entities/readable-refs.js';
import { builtinRelations } from '../processing/builtin-relations.js';
import type { EntityFilter } from '../query/types.js';
import type { CatalogStore, ProcessingError } from '../stores/types.js';

/**
 * The entities of a location's result (addLocation, its dry run, analyzeLocation) that a reader
 * with `readFilter` may see: the entity as read must match the filter, and an entity stored under
 * the same ref must be readable too (else a dry run would show what a hidden entity's ref is
 * bound to). Relations to entities it cannot read are dropped. Decided with batched store
 * lookups; `undefined` (an unconditional read) returns the entities as they are.
 *
 * @example
 * ```ts
 * const shown = await readableResultEntities(store, result.entities, await access.readFilter());
 * ```
 */
export async function readableResultEntities(store: CatalogStore, entities: Entity[], readFilter: EntityFilter | undefined): Promise<Entity[]> {
  if (readFilter === undefined) return entities;
  const keyOf = (e: Entity) => refKeyOrUndefined(safeRef(e));
  const keys = entities.map(keyOf).filter((k): k is string => k !== undefined);
  const stored = keys.length ? await store.getEntities({ refs: keys }) : [];
  const visible = await visibleUids(store, stored, readFilter);
  const hiddenStored = new Set(stored.filter((r) => !visible.has(r.uid)).map((r) => r.entityRef));
  const shown = entities.filter((e) => {
    const key = keyOf(e);
    return key !== undefined && !hiddenStored.has(key) && entityMatchesFilter(asStored(e), readFilter);
  });
  return hideUnreadableRelations(store, structuredClone(shown), readFilter);
}

/**
 * Processing problems as a reader with `readFilter` may see them: every entity ref in a message
 * that names an entity it cannot read (hidden or missing) becomes `<hidden entity>`, and a
 * conflict over such an entity no longer says which location provides it. One batched lookup for
 * all messages; `undefined` (an unconditional read) returns the problems as they are.
 *
 * @example
 * ```ts
 * const errors = await redactProcessingErrors(store, report.errors, await access.readFilter());
 * ```
 */
export async function redactProcessingErrors<T extends ProcessingError>(
  store: CatalogStore,
  errors: readonly T[],
  readFilter: EntityFilter | undefined,
): Promise<T[]> {
  if (readFilter === undefined) return [...errors];
  const mentioned = new Set<string>();
  for (const e of errors) for (const ref of refsInText(String(e.message))) mentioned.add(ref);
  if (!mentioned.size) return [...errors];
  const readable = await readableRefs(store, mentioned, readFilter);
  return errors.map((e) => ({ ...e, message: redactMessage(String(e.message), readable) }));
}

/**
 * A dry run's entity with the relations its spec implies, as it would be stored: dry runs do not
 * stitch relations, and conditions such as IS_ENTITY_OWNER (`relations.ownedby`) read them.
 */
function asStored(entity: Entity): Entity {
  if (entity.relations) return entity;
  try {
    const self = stringifyEntityRef(entity);
    const relations = builtinRelations(entity)
      .filter((r) => r.sourceRef === self)
      .map(({ type, targetRef }) => ({ type, targetRef }));
    return { ...entity, relations };
  } catch {
    return entity;
  }
}

function safeRef(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return '';
  }
}
