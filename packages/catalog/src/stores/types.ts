import type { Entity } from '@portalkit/catalog-model';
import type { EntityFilter, EntityOrder } from '../query/types.js';
import type { StoreGraphQuery, StoreGraphResult } from './graph-types.js';

/**
 * The storage contract of the catalog engine. It mirrors Backstage's tables so a SQL store is a
 * direct translation:
 *
 * | concept          | SQL table (suggested)                                      |
 * | ---------------- | ---------------------------------------------------------- |
 * | locations        | `locations(id pk, type, target, created_at)`               |
 * | refresh states   | `refresh_state(entity_ref pk, root_key, location_key, unprocessed json, processed json, errors json, refresh_keys, hash)` + `refresh_state_parents(entity_ref, parent_ref)` |
 * | relations        | `relations(originating_ref, source_ref, type, target_ref)` (replaced with their refresh state) |
 * | final entities   | `final_entities(entity_ref pk, uid unique, etag, entity json)` + `search(uid, key, value, original)` rows from {@link buildEntitySearch} |
 *
 * All refs are lowercase `kind:namespace/name` strings. Reads outside a transaction see only
 * committed data. Objects a store returns are read-only for callers; objects handed to a store
 * are not changed by the caller afterwards.
 *
 * Every implementation runs the shared suite: `runStoreContract({ name, create })`.
 *
 * @example
 * ```ts
 * const store: CatalogStore = memoryStore();
 * await store.transaction(async (tx) => {
 *   await tx.putLocation({ id: 'l1', type: 'file', target: '/srv/catalog-info.yaml', createdAt: new Date().toISOString() });
 * });
 * ```
 */
export interface CatalogStore {
  /** Registered locations, oldest first. */
  listLocations(): Promise<StoredLocation[]>;
  /** Refresh states matching any of the given selectors (an empty selector matches nothing; `all` everything). */
  getRefreshStates(selector: RefreshStateSelector): Promise<RefreshState[]>;
  /**
   * Optional: who claims the matching refresh states, without their entities, errors and
   * relations (what `getRefreshStates` would return, cut to {@link RefreshClaim}). Processing
   * asks for the claims of every entity it reads; a SQL store answers without reading (and
   * parsing) the JSON columns. Without it, processing uses `getRefreshStates`.
   */
  getRefreshClaims?(selector: RefreshStateSelector): Promise<RefreshClaim[]>;
  /** Relations whose `sourceRef` is one of `sourceRefs`, from every originating entity. */
  getRelations(selector: { sourceRefs: readonly string[] }): Promise<StoredRelation[]>;
  /** Final entities by ref or uid, in no particular order; unknown ones are left out. */
  getEntities(selector: { refs?: readonly string[]; uids?: readonly string[] }): Promise<FinalEntityRow[]>;
  /** Filter, order, page and count final entities; see {@link StoreEntityQuery}. */
  queryEntities(query: StoreEntityQuery): Promise<StoreEntityPage>;
  /**
   * Walk relations from roots (see {@link StoreGraphQuery}): nodes in (depth, ref) order, whole
   * levels only up to `maxNodes`, and the relations of the chosen types between them.
   */
  queryGraph(query: StoreGraphQuery): Promise<StoreGraphResult>;
  /** Distinct values (as written) and their counts for each facet key over matching entities. */
  entityFacets(query: { facets: readonly string[]; filter?: EntityFilter }): Promise<Record<string, { value: string; count: number }[]>>;
  /**
   * Run `fn` with a writer; its writes apply all together when `fn` resolves, and none of them
   * when it throws (the error is rethrown).
   */
  transaction<T>(fn: (tx: CatalogStoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Present on stores that several catalog processes share (PostgreSQL): the engine then leases
   * the roots it processes so workers split the work, and commits under a store-wide lock.
   */
  readonly processingLeases?: ProcessingLeases;
  /**
   * Present on stores backed by a database: one cheap round trip (`SELECT 1`), so the portal's
   * readiness route can tell that the database answers. Rejects when it does not.
   */
  ping?(): Promise<void>;
}

/**
 * Optional capability of a {@link CatalogStore} shared by several processes. Keys are work
 * units (root entity refs); a key is held by one worker until released or until its lease
 * expires (a crashed worker's keys come free again).
 *
 * @example
 * ```ts
 * const leases = store.processingLeases;
 * if (leases) {
 *   const mine = await leases.claim(['location:default/a', 'location:default/b'], workerId, 60_000);
 *   try {
 *     // process `mine`, then commit the results:
 *     await leases.withCommitLock(async () => commit());
 *   } finally {
 *     await leases.release(mine, workerId);
 *   }
 * }
 * ```
 */
export interface ProcessingLeases {
  /** Lease the keys that are free (or already `workerId`'s) for `leaseMs`; returns those now held, skipping keys others hold. */
  claim(keys: readonly string[], workerId: string, leaseMs: number): Promise<string[]>;
  /** Give up `workerId`'s leases on `keys`. */
  release(keys: readonly string[], workerId: string): Promise<void>;
  /** Run `fn` while no other process runs its own `withCommitLock` on this store (read-stitch-write of a commit). */
  withCommitLock<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * The write side of a {@link CatalogStore}, valid only inside `transaction()`.
 *
 * @example
 * ```ts
 * await store.transaction(async (tx) => tx.deleteEntities(['component:default/a']));
 * ```
 */
export interface CatalogStoreTransaction {
  putLocation(location: StoredLocation): Promise<void>;
  deleteLocation(id: string): Promise<void>;
  /** Insert or replace refresh states by `entityRef`; each row's `relations` replace the relations it originated. */
  putRefreshStates(rows: readonly RefreshState[]): Promise<void>;
  /** Delete refresh states and the relations they originated. */
  deleteRefreshStates(refs: readonly string[]): Promise<void>;
  /** Insert or replace final entities by `entityRef` (and their search rows). */
  putEntities(rows: readonly FinalEntityRow[]): Promise<void>;
  deleteEntities(refs: readonly string[]): Promise<void>;
}

/**
 * A registered location.
 * @example
 * ```ts
 * const loc: StoredLocation = { id: 'a1', type: 'url', target: 'https://example.com/catalog-info.yaml', createdAt: '2026-01-01T00:00:00.000Z' };
 * ```
 */
export interface StoredLocation {
  id: string;
  type: string;
  target: string;
  /** ISO time; orders locations (and so conflict winners among new locations). */
  createdAt: string;
}

/**
 * A processing problem kept with a refresh state. `file`, `line`, `path` and `rule` are set
 * when known (e.g. validation of YAML read from a file).
 *
 * @example
 * ```ts
 * const e: ProcessingError = { name: 'InputError', message: 'spec.owner is required', file: 'a.yaml', line: 7, path: 'spec.owner', rule: 'required' };
 * ```
 */
export interface ProcessingError {
  name: string;
  message: string;
  file?: string;
  line?: number;
  path?: string;
  rule?: string;
}

/**
 * A relation and the entity whose processing emitted it.
 * @example
 * ```ts
 * const r: StoredRelation = { originatingRef: 'component:default/a', sourceRef: 'component:default/a', type: 'ownedBy', targetRef: 'group:default/team-a' };
 * ```
 */
export interface StoredRelation {
  originatingRef: string;
  sourceRef: string;
  type: string;
  targetRef: string;
}

/**
 * Processing state of one entity: what was read (`unprocessed`), the last successful result
 * (`processed`), and who claims it.
 *
 * @example
 * ```ts
 * const row: RefreshState = {
 *   entityRef: 'component:default/a', rootKey: undefined, locationKey: 'file:/srv/a.yaml', parentRefs: ['location:default/root'],
 *   unprocessed: entity, processed: entity, errors: [], relations: [], refreshKeys: [], hash: 'abc',
 * };
 * ```
 */
export interface RefreshState {
  /** Lowercase ref; the key. */
  entityRef: string;
  /**
   * Set on roots: `location:<id>` for the entity generated for a registered location,
   * `provider:<name>` for provider entities. Roots are never orphans.
   */
  rootKey?: string;
  /** The source (`file:/abs/path`, `url:https://...`) that claims this ref; another source emitting it is a conflict. */
  locationKey?: string;
  /** Entities whose processing emitted this one; empty for roots and for orphans. */
  parentRefs: string[];
  unprocessed: Entity;
  /** The last successfully processed entity, kept when later processing fails. */
  processed?: Entity;
  errors: ProcessingError[];
  /** Relations emitted while processing this entity. */
  relations: Omit<StoredRelation, 'originatingRef'>[];
  /** Keys passed to `emit.refresh(key)`; `catalog.refresh({ key })` reprocesses these entities. */
  refreshKeys: string[];
  /** Hash of the processing output, to skip unchanged work. */
  hash: string;
}

/**
 * Who claims a refresh state: the part of a {@link RefreshState} that processing checks before
 * it takes a ref (see `CatalogStore.getRefreshClaims`).
 * @example
 * ```ts
 * const claim: RefreshClaim = { entityRef: 'component:default/a', locationKey: 'file:/srv/a.yaml', parentRefs: ['location:default/root'] };
 * ```
 */
export type RefreshClaim = Pick<RefreshState, 'entityRef' | 'rootKey' | 'locationKey' | 'parentRefs'>;

/**
 * Selects refresh states; rows matching any given field are returned.
 * @example
 * ```ts
 * await store.getRefreshStates({ parentRefs: ['location:default/root'] });
 * ```
 */
export interface RefreshStateSelector {
  all?: boolean;
  refs?: readonly string[];
  parentRefs?: readonly string[];
  rootKeys?: readonly string[];
  refreshKeys?: readonly string[];
}

/**
 * A stitched entity as served to readers.
 * @example
 * ```ts
 * const row: FinalEntityRow = { entityRef: 'component:default/a', uid: '…', etag: '…', entity };
 * ```
 */
export interface FinalEntityRow {
  entityRef: string;
  uid: string;
  etag: string;
  entity: Entity;
}

/**
 * One ordering step of a store query. `nulls` says where entities lacking the field go
 * (default `last`, as Backstage does whatever the direction).
 *
 * @example
 * ```ts
 * const o: StoreOrder = { field: 'metadata.name', order: 'desc', nulls: 'last' };
 * ```
 */
export interface StoreOrder extends EntityOrder {
  nulls?: 'first' | 'last';
}

/**
 * A query over final entities. Sorting compares each entity's smallest lowercase value of each
 * order field, then `uid` (in `uidOrder`, default `asc`) so the order is total; `after` starts
 * strictly after that sort key, which keeps keyset pages stable while entities are written.
 *
 * @example
 * ```ts
 * await store.queryEntities({ filter: { key: 'kind', values: ['component'] }, order: [{ field: 'metadata.name', order: 'asc' }], limit: 20, includeTotal: true });
 * ```
 */
export interface StoreEntityQuery {
  filter?: EntityFilter;
  /** Case-insensitive substring match of `term` in any of `fields`. */
  fullText?: { term: string; fields: readonly string[] };
  order?: readonly StoreOrder[];
  uidOrder?: 'asc' | 'desc';
  after?: { values: readonly (string | null)[]; uid: string };
  offset?: number;
  limit?: number;
  includeTotal?: boolean;
}

/**
 * The answer to a {@link StoreEntityQuery}; `sortKeys[i]` is the sort key of `items[i]`
 * (the values of the order fields), for building cursors.
 *
 * @example
 * ```ts
 * const { items, totalItems } = await store.queryEntities({ limit: 10, includeTotal: true });
 * ```
 */
export interface StoreEntityPage {
  items: FinalEntityRow[];
  sortKeys: (string | null)[][];
  /** Matching entities ignoring `after`/`offset`/`limit`; set when `includeTotal`. */
  totalItems?: number;
}
