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

const HIDDEN_ENTITY = '<hidden entity>';
/** Full entity refs as the catalog writes them in messages (`kind:namespace/name`). */
const REF_IN_TEXT = /\b[A-Za-z][\w-]*:[\w.-]+\/[\w.~-]+/g;
const CONFLICT = /^(.*?)(\S+) from (.*) is already provided by (.*)$/s;

/**
 * The entity refs a message names (`kind:namespace/name` as the catalog writes them).
 *
 * @example
 * ```ts
 * refsInText('component:default/a from file:/x.yaml is already provided by file:/y.yaml'); // ['component:default/a']
 * ```
 */
export function refsInText(message: string): string[] {
  return String(message).match(REF_IN_TEXT) ?? [];
}

/**
 * A message with every ref `readable` does not hold replaced by `<hidden entity>`; a conflict
 * over such a ref ("… is already provided by <location>") no longer names the location.
 *
 * @example
 * ```ts
 * redactMessage('resource:default/x from file:/a is already provided by file:/b', new Set()); // '<hidden entity> from file:/a is already provided by another source'
 * ```
 */
export function redactMessage(message: string, readable: ReadonlySet<string>): string {
  const hidden = (ref: string) => !readable.has(refKeyOrUndefined(ref) ?? '');
  let text = String(message);
  const conflict = text.match(CONFLICT);
  if (conflict && isRef(conflict[2]!) && hidden(conflict[2]!)) text = `${conflict[1]}${conflict[2]} from ${conflict[3]} is already provided by another source`;
  return text.replace(REF_IN_TEXT, (ref) => (hidden(ref) ? HIDDEN_ENTITY : ref));
}

/**
 * Makes `entities` (in place) name no entity the caller cannot read (hidden or missing): drops
 * relations to such targets, and redacts such refs in `status.items` messages (processing errors
 * the catalog writes there, see {@link redactMessage}). One {@link readableRefs} lookup for the
 * whole response; without a `readFilter` (an unconditional read) nothing changes.
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
  const refs = new Set<string>();
  for (const entity of entities) {
    for (const relation of relationsOf(entity)) refs.add(relation.targetRef);
    for (const item of statusItemsOf(entity)) for (const ref of refsInText(messageText(item))) refs.add(ref);
  }
  if (!refs.size) return entities;
  const readable = await readableRefs(store, refs, readFilter);
  for (const entity of entities) {
    if (!entity) continue;
    if (Array.isArray(entity.relations)) {
      entity.relations = entity.relations.filter((r) => readable.has(refKeyOrUndefined(r?.targetRef) ?? ''));
    }
    for (const item of statusItemsOf(entity)) redactStatusItem(item, readable);
  }
  return entities;
}

type StatusItem = { message?: unknown; error?: { message?: unknown } };

function redactStatusItem(item: StatusItem, readable: ReadonlySet<string>): void {
  if (typeof item.message === 'string') item.message = redactMessage(item.message, readable);
  if (item.error && typeof item.error === 'object' && typeof item.error.message === 'string') {
    item.error.message = redactMessage(item.error.message, readable);
  }
}

function messageText(item: StatusItem): string {
  return `${typeof item.message === 'string' ? item.message : ''} ${typeof item.error?.message === 'string' ? item.error.message : ''}`;
}

function statusItemsOf(entity: Entity | undefined): StatusItem[] {
  const items = (entity as { status?: { items?: unknown } } | undefined)?.status?.items;
  return Array.isArray(items) ? items.filter((i): i is StatusItem => !!i && typeof i === 'object') : [];
}

function isRef(text: string): boolean {
  return refsInText(text)[0] === text;
}

function relationsOf(entity: Entity | undefined): { targetRef: string }[] {
  if (!entity || !Array.isArray(entity.relations)) return [];
  return entity.relations.filter((r) => typeof r?.targetRef === 'string');
}

/**
 * A caller's own filter as it reads in the caller's view, where relations to entities it cannot
 * read do not exist: each `relations.<type>` leaf with values keeps only the values that are refs
 * of readable entities (none left: matches nothing). One {@link readableRefs} lookup for all such
 * values; without a `readFilter`, or without such leaves, the filter is returned as it is.
 * Leaves that only ask for a key to exist, and prefix leaves, are left alone (docs/permissions.md,
 * known limits).
 *
 * @example
 * ```ts
 * const asSeen = await relationFilterAsSeen(store, { key: 'relations.haspart', values: ['resource:default/x'] }, readFilter);
 * ```
 */
export async function relationFilterAsSeen(
  store: CatalogStore,
  filter: EntityFilter | undefined,
  readFilter: EntityFilter | undefined,
): Promise<EntityFilter | undefined> {
  if (!filter || !readFilter) return filter;
  const values = new Set<string>();
  visitRelationLeaves(filter, (leaf) => {
    for (const v of leaf.values) values.add(v);
  });
  if (!values.size) return filter;
  const readable = await readableRefs(store, values, readFilter);
  return rewriteRelationLeaves(filter, readable);
}

type ValuesLeaf = { key: string; values: string[] };

const isRelationValuesLeaf = (f: EntityFilter): f is ValuesLeaf =>
  'key' in f && !('prefix' in f) && Array.isArray(f.values) && f.key.toLowerCase().startsWith('relations.');

function visitRelationLeaves(filter: EntityFilter, visit: (leaf: ValuesLeaf) => void): void {
  if ('allOf' in filter) for (const f of filter.allOf) visitRelationLeaves(f, visit);
  else if ('anyOf' in filter) for (const f of filter.anyOf) visitRelationLeaves(f, visit);
  else if ('not' in filter) visitRelationLeaves(filter.not, visit);
  else if (isRelationValuesLeaf(filter)) visit(filter);
}

function rewriteRelationLeaves(filter: EntityFilter, readable: ReadonlySet<string>): EntityFilter {
  if ('allOf' in filter) return { allOf: filter.allOf.map((f) => rewriteRelationLeaves(f, readable)) };
  if ('anyOf' in filter) return { anyOf: filter.anyOf.map((f) => rewriteRelationLeaves(f, readable)) };
  if ('not' in filter) return { not: rewriteRelationLeaves(filter.not, readable) };
  if (!isRelationValuesLeaf(filter)) return filter;
  const kept = filter.values.filter((v) => readable.has(refKeyOrUndefined(v) ?? ''));
  // An empty `anyOf` is false in every store; an empty `values` list is not safe in all of them.
  return kept.length ? { key: filter.key, values: kept } : { anyOf: [] };
}
