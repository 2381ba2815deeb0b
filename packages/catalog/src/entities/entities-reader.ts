import { InputError, NotFoundError } from '@portalkit/core';
import { parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { decodeCursor, encodeCursor, type CursorState } from '../query/cursor.js';
import { parseFieldsQuery, projectEntity } from '../query/fields.js';
import { parseEntityFilterQuery, parseFilterPredicate, type FilterPredicate } from '../query/filter.js';
import { refKey } from '../query/ref-key.js';
import type { EntityFilter, EntityFilterQuery, EntityOrder } from '../query/types.js';
import type { CatalogStore, FinalEntityRow, StoreOrder } from '../stores/types.js';
import type { CatalogLibrary, QueryEntitiesRequest, QueryEntitiesResult } from '../types.js';
import { hideUnreadableRelations, readableRefs, refKeyOrUndefined, relationFilterAsSeen, visibleUids } from './readable-refs.js';

const DEFAULT_QUERY_LIMIT = 20;

/** The read side of the catalog (Backstage's `EntitiesCatalog`): every method reads the store only. */
export type EntitiesReader = Pick<
  CatalogLibrary,
  'query' | 'getEntities' | 'getEntityByRef' | 'getEntityByUid' | 'getEntitiesByRefs' | 'getEntityAncestors' | 'getEntityFacets'
>;

/** Options of {@link createEntitiesReader}. */
export interface EntitiesReaderOptions {
  store: CatalogStore;
  /**
   * What the reader's caller may see, asked on every call: ANDed into every store query (lists,
   * counts, facets, cursors' pages, by-refs, ancestry) and never written into cursors, so a
   * cursor means the same for whoever presents it. `undefined` (or no option) sees everything.
   * With a filter, relations and `relations.*` facet values naming entities outside it (or no
   * entity at all) are left out too, decided once per response.
   */
  readFilter?: () => Promise<EntityFilter | undefined>;
}

/**
 * The entities reader: filters (Backstage's `filter` and predicate `query`), field projection,
 * ordering, offset and keyset cursors, facets, lookups by ref and uid, and ancestry. Readers
 * get copies: nothing they change reaches the store.
 *
 * @example
 * ```ts
 * const reader = createEntitiesReader({ store });
 * const { items, pageInfo } = await reader.query({ filter: { kind: 'component' }, limit: 20 });
 * ```
 */
export function createEntitiesReader(options: EntitiesReaderOptions): EntitiesReader {
  const { store } = options;
  const scope = options.readFilter ?? (async () => undefined);
  /** The row if the caller may see it. */
  const seen = async (row: FinalEntityRow | undefined, readFilter: EntityFilter | undefined) =>
    row && (!readFilter || (await visibleUids(store, [row], readFilter)).has(row.uid)) ? row : undefined;
  return {
    query: async (request = {}) => queryEntities(store, request, await scope()),
    getEntities: async (request = {}) => {
      const readFilter = await scope();
      const fields = parseFieldsQuery(request.fields);
      let filter = combinedFilter(request.filter, request.query);
      let order = toOrder(request.order);
      let after: CursorState['after'];
      if (request.after) {
        const state = decodeCursor(request.after);
        filter = state.filter;
        order = state.order;
        after = state.after;
      }
      const limit = nonNegativeInt(request.limit, 'limit');
      const storeFilter = andFilters(await relationFilterAsSeen(store, filter, readFilter), readFilter);
      const page = await store.queryEntities({
        ...(storeFilter ? { filter: storeFilter } : {}),
        order,
        ...(after ? { after } : {}),
        offset: nonNegativeInt(request.offset, 'offset') ?? 0,
        ...(limit !== undefined ? { limit: limit + 1 } : {}),
      });
      const more = limit !== undefined && page.items.length > limit;
      const items = limit !== undefined ? page.items.slice(0, limit) : page.items;
      const last = items.length - 1;
      const endCursor = () =>
        encodeCursor({ order, direction: 'next', totalItems: false, ...(filter ? { filter } : {}), after: { values: page.sortKeys[last]!, uid: items[last]!.uid } });
      const out = await hideUnreadableRelations(store, items.map((r) => output(r, fields)), readFilter);
      return { items: out, ...(more ? { pageInfo: { endCursor: endCursor() } } : {}) };
    },
    getEntityByRef: async (ref) => {
      const key = refKey(ref);
      const readFilter = await scope();
      const [row] = await store.getEntities({ refs: [key] });
      const visible = await seen(row, readFilter);
      return visible ? (await hideUnreadableRelations(store, [structuredClone(visible.entity)], readFilter))[0] : undefined;
    },
    getEntityByUid: async (uid) => {
      const readFilter = await scope();
      const [row] = await store.getEntities({ uids: [uid] });
      const visible = await seen(row, readFilter);
      return visible ? (await hideUnreadableRelations(store, [structuredClone(visible.entity)], readFilter))[0] : undefined;
    },
    getEntitiesByRefs: async (refs, byRefsOptions = {}) => entitiesByRefs(store, refs, byRefsOptions, await scope()),
    getEntityAncestors: async (ref) => {
      const key = refKey(ref);
      return ancestors(store, key, await scope());
    },
    getEntityFacets: async (request) => {
      if (!request || !Array.isArray(request.facets)) throw new InputError('getEntityFacets: facets must be an array of field paths');
      const readFilter = await scope();
      const filter = andFilters(await relationFilterAsSeen(store, combinedFilter(request.filter, request.query), readFilter), readFilter);
      const facets = await store.entityFacets({ facets: request.facets, ...(filter ? { filter } : {}) });
      return { facets: readFilter ? await hideUnreadableRelationFacets(store, facets, readFilter) : facets };
    },
  };
}

/** Backstage's `queryEntities`: an initial request or a cursor, pages forward and back. */
async function queryEntities(store: CatalogStore, request: QueryEntitiesRequest, readFilter: EntityFilter | undefined): Promise<QueryEntitiesResult> {
  let state: CursorState;
  let offset = 0;
  if ('cursor' in request && request.cursor !== undefined) {
    state = decodeCursor(request.cursor);
  } else {
    const initial = request as Exclude<QueryEntitiesRequest, { cursor: string }>;
    const order: StoreOrder[] = toOrder(initial.orderFields);
    const term = initial.fullTextFilter?.term?.trim();
    const filter = combinedFilter(initial.filter, initial.query);
    state = {
      order,
      direction: 'next',
      totalItems: initial.totalItems !== 'exclude',
      ...(filter ? { filter } : {}),
      ...(term ? { fullText: { term, fields: initial.fullTextFilter?.fields ?? [order[0]?.field ?? 'metadata.uid'] } } : {}),
    };
    offset = nonNegativeInt(initial.offset, 'offset') ?? 0;
  }
  const limit = nonNegativeInt(request.limit, 'limit') ?? DEFAULT_QUERY_LIMIT;
  const fields = parseFieldsQuery(request.fields);
  const prev = state.direction === 'prev';
  // A previous page is read backwards from the cursor, then turned around.
  const order = prev
    ? state.order.map((o) => ({ ...o, order: o.order === 'asc' ? ('desc' as const) : ('asc' as const), nulls: 'first' as const }))
    : state.order;
  // The caller's scope joins the query here only: the cursor keeps the query as asked.
  const filter = andFilters(await relationFilterAsSeen(store, state.filter, readFilter), readFilter);
  const page = await store.queryEntities({
    ...(filter ? { filter } : {}),
    ...(state.fullText ? { fullText: state.fullText } : {}),
    order,
    uidOrder: prev ? 'desc' : 'asc',
    ...(state.after ? { after: state.after } : {}),
    offset,
    limit: limit + 1,
    includeTotal: state.totalItems,
  });
  const more = page.items.length > limit;
  let items = page.items.slice(0, limit);
  let keys = page.sortKeys.slice(0, limit);
  if (prev) {
    items = items.reverse();
    keys = keys.reverse();
  }
  const cursorAt = (i: number, direction: 'next' | 'prev') => encodeCursor({ ...state, direction, after: { values: keys[i]!, uid: items[i]!.uid } });
  const pageInfo: QueryEntitiesResult['pageInfo'] = {};
  if (items.length) {
    const hasNext = prev ? true : more;
    const hasPrev = prev ? more : state.after !== undefined || offset > 0;
    if (hasNext) pageInfo.nextCursor = cursorAt(items.length - 1, 'next');
    if (hasPrev) pageInfo.prevCursor = cursorAt(0, 'prev');
  }
  const out = await hideUnreadableRelations(store, items.map((r) => output(r, fields)), readFilter);
  return { items: out, totalItems: page.totalItems ?? 0, pageInfo };
}

/** Entities in the order of `refs`, `undefined` for refs that are malformed, unknown or filtered out. */
async function entitiesByRefs(
  store: CatalogStore,
  refs: string[],
  options: { fields?: string[]; filter?: EntityFilterQuery; query?: FilterPredicate },
  readFilter: EntityFilter | undefined,
): Promise<{ items: (Entity | undefined)[] }> {
  if (!Array.isArray(refs)) throw new InputError('getEntitiesByRefs: refs must be an array of strings');
  const keys = refs.map(refKeyOrUndefined);
  const rows = await store.getEntities({ refs: keys.filter((k): k is string => k !== undefined) });
  const byRef = new Map(rows.map((r) => [r.entityRef, r]));
  const filter = andFilters(await relationFilterAsSeen(store, combinedFilter(options.filter, options.query), readFilter), readFilter);
  // Check the fetched rows by uid (one indexed key), not by an OR of kind/namespace/name per
  // ref: PostgreSQL planned that OR as a subplan per ref and took seconds for 50 refs (run 16).
  const allowed = filter ? await visibleUids(store, rows, filter) : undefined;
  const fields = parseFieldsQuery(options.fields);
  const items = keys.map((k) => {
    const row = k === undefined ? undefined : byRef.get(k);
    if (!row || (allowed && !allowed.has(row.uid))) return undefined;
    return output(row, fields);
  });
  return { items: await hideUnreadableRelations(store, items, readFilter) };
}

/**
 * Backstage's ancestry: the entity and, level by level, the entities that emitted it. With a
 * `readFilter`, a root the caller may not see is not found, and the walk stops at ancestors it
 * may not see: they are left out, and so are their refs in `parentEntityRefs`, so nothing about
 * a hidden entity (not even its ref, nor where it came from) shows.
 */
async function ancestors(store: CatalogStore, rootEntityRef: string, readFilter: EntityFilter | undefined) {
  const items: { entity: Entity; parentEntityRefs: string[] }[] = [];
  const seen = new Set<string>();
  const shown = new Set<string>();
  let frontier = [rootEntityRef];
  while (frontier.length) {
    const states = await store.getRefreshStates({ refs: frontier.filter((r) => !seen.has(r)) });
    const rows = await store.getEntities({ refs: states.map((s) => s.entityRef) });
    const visible = readFilter ? await visibleUids(store, rows, readFilter) : undefined;
    const finals = new Map(rows.filter((r) => !visible || visible.has(r.uid)).map((r) => [r.entityRef, r]));
    frontier = [];
    for (const s of states) {
      seen.add(s.entityRef);
      const final = finals.get(s.entityRef);
      if (!final) {
        if (s.entityRef === rootEntityRef) throw new NotFoundError(`No entity ${rootEntityRef}`);
        continue;
      }
      items.push({ entity: structuredClone(final.entity), parentEntityRefs: [...s.parentRefs] });
      shown.add(s.entityRef);
      frontier.push(...s.parentRefs.filter((p) => !seen.has(p)));
    }
    if (!states.length && !items.length) throw new NotFoundError(`No entity ${rootEntityRef}`);
  }
  if (readFilter) {
    for (const item of items) item.parentEntityRefs = item.parentEntityRefs.filter((p) => shown.has(p));
    await hideUnreadableRelations(
      store,
      items.map((i) => i.entity),
      readFilter,
    );
  }
  return { rootEntityRef, items };
}

/**
 * Facets over `relations.*` keys without the values that are refs of entities the caller cannot
 * read (hidden or missing), decided with one lookup over every such value of the response.
 */
async function hideUnreadableRelationFacets(
  store: CatalogStore,
  facets: Record<string, { value: string; count: number }[]>,
  readFilter: EntityFilter,
): Promise<Record<string, { value: string; count: number }[]>> {
  const isRelation = (key: string) => key.toLowerCase().startsWith('relations.');
  const values = Object.entries(facets).flatMap(([key, list]) => (isRelation(key) ? list.map((v) => v.value) : []));
  if (!values.length) return facets;
  const readable = await readableRefs(store, values, readFilter);
  return Object.fromEntries(
    Object.entries(facets).map(([key, list]) => [key, isRelation(key) ? list.filter((v) => readable.has(refKeyOf(v.value))) : list]),
  );
}

function refKeyOf(value: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch {
    return '';
  }
}

/** `a AND b`, either side optional (`undefined` is "everything"). */
function andFilters(a: EntityFilter | undefined, b: EntityFilter | undefined): EntityFilter | undefined {
  if (a && b) return { allOf: [a, b] };
  return a ?? b;
}

/** Backstage's `filter` and predicate `query`, ANDed. */
function combinedFilter(filter: EntityFilterQuery | undefined, query: FilterPredicate | undefined): EntityFilter | undefined {
  const a = parseEntityFilterQuery(filter);
  const b = query === undefined ? undefined : parseFilterPredicate(query);
  if (a && b) return { allOf: [a, b] };
  return a ?? b;
}

/** A copy for the caller, projected to `fields` when given. */
function output(row: FinalEntityRow, fields: string[] | undefined): Entity {
  return fields ? projectEntity(row.entity, fields) : structuredClone(row.entity);
}

function toOrder(order: EntityOrder | EntityOrder[] | undefined): StoreOrder[] {
  const list = order === undefined ? [] : Array.isArray(order) ? order : [order];
  return list.map((o) => {
    if (!o || typeof o.field !== 'string' || !o.field || (o.order !== 'asc' && o.order !== 'desc')) {
      throw new InputError('Invalid order: each directive needs a field and order asc or desc');
    }
    return { field: o.field.toLowerCase(), order: o.order };
  });
}

function nonNegativeInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InputError(`${name} must be a non-negative integer`);
  }
  return value;
}
