import { entityMatchesFilter, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { hideUnreadableRelations, readableRefs, refKeyOrUndefined, visibleUids } from '../entities/readable-refs.js';
import type { EntityFilter } from '../query/types.js';
import type { CatalogStore, ProcessingError } from '../stores/types.js';

const HIDDEN_ENTITY = '<hidden entity>';
/** Full entity refs as the catalog writes them in messages (`kind:namespace/name`). */
const REF_IN_TEXT = /\b[A-Za-z][\w-]*:[\w.-]+\/[\w.~-]+/g;
const CONFLICT = /^(\S+) from (.*) is already provided by (.*)$/s;

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
    return key !== undefined && !hiddenStored.has(key) && entityMatchesFilter(e, readFilter);
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
  for (const e of errors) for (const ref of String(e.message).match(REF_IN_TEXT) ?? []) mentioned.add(ref);
  if (!mentioned.size) return [...errors];
  const readable = await readableRefs(store, mentioned, readFilter);
  const hidden = (ref: string) => !readable.has(refKeyOrUndefined(ref) ?? '');
  return errors.map((e) => {
    let message = String(e.message);
    const conflict = message.match(CONFLICT);
    if (conflict && hidden(conflict[1]!)) message = `${conflict[1]} from ${conflict[2]} is already provided by another source`;
    message = message.replace(REF_IN_TEXT, (ref) => (hidden(ref) ? HIDDEN_ENTITY : ref));
    return { ...e, message };
  });
}

function safeRef(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return '';
  }
}
