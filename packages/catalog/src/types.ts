import type { EventBus, Handler, Logger, Metrics, PortalAuth, Principal, SchedulerLock, UrlReader } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import type { CatalogHandlerOptions } from './http/options.js';
import type { Entity, EntityProviderStatus, EntityUpdate, EntityUpdateResult, KindDefinition } from '@portalkit/catalog-model';
import type { EntityProcessor } from './processing/processor.js';
import type { EntityProvider } from './processing/provider.js';
import type { ProviderRetryOptions } from './providers/retry-policy.js';
import type { FilterPredicate } from './query/filter.js';
import type { QueryLocationsRequest, QueryLocationsResult } from './query/locations.js';
import type { EntityFilterQuery, EntityOrder, FullTextFilter } from './query/types.js';
import type { CatalogStore, ProcessingError } from './stores/types.js';
import type { Location } from './location.js';
import type { CatalogRule } from './rules/catalog-rule.js';
import type { EntityGraphRequest, EntityGraphResult } from './graph/entity-graph.js';
import type { ConfiguredLocation } from './rules/rules-enforcer.js';

export type { Location };

/**
 * The part of core's `EventBus` the catalog needs: it only publishes (a commit's events in one
 * `publishAll` where the bus has it).
 *
 * @example
 * ```ts
 * const events: CatalogEventSink = createEventBus();
 * ```
 */
export type CatalogEventSink = Pick<EventBus<Record<string, unknown>>, 'publish' | 'publishAll'>;

/**
 * Options of `createCatalog`.
 *
 * @example
 * ```ts
 * const options: CatalogOptions = { rootDir: process.cwd(), locations: [{ type: 'file', target: './catalog-info.yaml' }] };
 * ```
 */
export interface CatalogOptions {
  /** Where entities live; default `memoryStore()`. */
  store?: CatalogStore;
  /** Extra processors, run after the built-in steps in this order; more can be added with `use()`. */
  processors?: EntityProcessor[];
  /**
   * Entity providers (names must be unique). Each is connected on the first run; a `connect`
   * that fails is retried with backoff (`providerRetry`), providers with a `schedule` are run on
   * it, and their state is in `getProviderStatuses()`. See docs/processors-and-providers.md.
   */
  providers?: EntityProvider[];
  /** How failing providers are retried: backoff, jitter, timeout per attempt, attempts. */
  providerRetry?: ProviderRetryOptions;
  /**
   * Locations registered on first run (a location that already exists is left alone). They are
   * the host's config: they may contribute every kind unless the host gives `rules` or the
   * location's own `rules` (Backstage's `catalog.locations[].rules`), which the locations nested
   * below it inherit. See docs/catalog-rules.md.
   */
  locations?: ConfiguredLocation[];
  /**
   * Catalog rules (Backstage's `catalog.rules`): which kinds a location may contribute, judged by
   * the location an entity originated at. Default: Backstage's `[{ allow: ['Component', 'API',
   * 'Location'] }]` for locations registered with `addLocation` (HTTP and library callers alike),
   * every kind for `locations` above. A refused entity is a processing error of the Location
   * entity that read it, at its `file:line`.
   */
  rules?: CatalogRule[];
  /**
   * Location types principals may register, analyze or retarget a location to through
   * `forPrincipal` views and the HTTP API (Backstage's `allowedLocationTypes`); another type is an
   * InputError (400) `Registered locations must be of an allowed type [...]`. Host calls (no
   * `forPrincipal`) and `locations` above may use any type. Default `['url', 'file']`
   * (Backstage's is `['url']`): `file` targets are confined to `rootDir`, and most portals
   * register local files in development; a portal serving untrusted users should give
   * `['url']` (the example portal does). See docs/permissions.md.
   */
  allowedLocationTypes?: readonly string[];
  /**
   * Reads `url` locations and placeholders; default: local files below `rootDir` only. With
   * `integrations`, URLs of a configured source host go to its reader first and this reader
   * reads the rest.
   */
  reader?: UrlReader;
  /**
   * Source hosts (`createIntegrations` of `@portalkit/integrations`): `url` locations of a
   * configured host (blob URLs, and globs like `.../blob/main/**\/catalog-info.yaml` through its
   * `search`) are read with its credentials; relative Location targets and `$text/$json/$yaml`
   * placeholders resolve within the same repository and ref; entities read from a host get
   * `backstage.io/view-url`, `edit-url` and `source-location` unless their YAML sets them. A
   * host that is not configured is still a `NotAllowedError`. See docs/integrations/consumers.md.
   */
  integrations?: ScmIntegrations;
  logger?: Logger;
  /**
   * Receives `catalog.entity.upserted` / `catalog.entity.deleted` and
   * `catalog.provider.state-changed` (payloads: `CatalogEvents` of `@portalkit/catalog-model`). Default: the bus `start(context)` is given (a portal's), if any.
   */
  events?: CatalogEventSink;
  /** Accepted kinds; default `builtinKinds`. */
  kinds?: readonly KindDefinition[];
  /**
   * Accept `kind: KindDefinition` entities (apiVersion `portalkit.dev/v1alpha1`) and apply the
   * kinds they declare — validation, relations, facets — from the next pass on. Default true;
   * catalog rules still decide which locations may contribute them (docs/kind-definitions.md).
   */
  declaredKinds?: boolean;
  /** Author of the commits of write-back pull requests (`updateEntity`); default portalkit. */
  writeBackAuthor?: { name: string; email: string };
  /** Accept entities of kinds no definition covers (validated as envelopes only). Default false. */
  allowUnknownKinds?: boolean;
  /** Base of relative `file` targets; nothing outside it is read. Default `process.cwd()`. */
  rootDir?: string;
  /** Interval of the `start()` loop; default 100 s. */
  refreshIntervalMs?: number;
  /**
   * Several processes on one store: the `start()` loop's refresh (task `catalog-refresh`) runs in
   * one process per `refreshIntervalMs` between them, e.g. with `createSqlSchedulerLock` of
   * `@portalkit/sql`. The first refresh in `start()` still runs in every process.
   */
  schedulerLock?: SchedulerLock;
  /**
   * Where ingestion is counted and timed (entities processed, processing errors, refresh
   * durations); default the portal's registry (`start` context), else nowhere.
   */
  metrics?: Metrics;
  /** Entities processed at once; default 16. */
  concurrency?: number;
  /**
   * On a store shared by several processes (PostgreSQL): how long a worker's lease on its share
   * of the work lasts without renewal. Held leases are renewed while the work runs, so this only
   * bounds how long a crashed worker's share waits before another worker takes it. Default 30 s.
   */
  processingLeaseMs?: number;
  /**
   * Who may do what (`forPrincipal` views and the HTTP API ask its policy) and where mutations
   * are audited. Default: the portal's, given to `start(context)` (as `catalogPlugin` does),
   * else allow-all with audit events logged at `info`. Calls made on the catalog itself (not
   * through `forPrincipal`) are the trusted host's: always allowed, audited as `hostPrincipal()`.
   */
  auth?: PortalAuth;
}

/**
 * Result of `addLocation` (Backstage's `AddLocationResponse`).
 * @example
 * ```ts
 * const { location, entities } = await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
 * ```
 */
export interface AddLocationResult {
  location: Location;
  /** Entities found at the location (all of them on dry runs; on real runs those that processed). */
  entities: Entity[];
  /** On dry runs: whether the location is already registered. */
  exists?: boolean;
}

/**
 * Request of `query` (Backstage's `queryEntities`): an initial request or a `cursor` from a
 * previous page.
 *
 * @example
 * ```ts
 * await catalog.query({ filter: { kind: 'component' }, orderFields: { field: 'metadata.name', order: 'asc' }, limit: 20 });
 * ```
 */
export type QueryEntitiesRequest =
  | {
      filter?: EntityFilterQuery;
      /** Backstage predicate query (`$all`, `$any`, `$not`, `$exists`, `$in`), ANDed with `filter`. */
      query?: FilterPredicate;
      fields?: string[];
      orderFields?: EntityOrder | EntityOrder[];
      fullTextFilter?: FullTextFilter;
      limit?: number;
      offset?: number;
      /** `exclude` skips counting; `totalItems` is then 0. */
      totalItems?: 'include' | 'exclude';
    }
  | { cursor: string; fields?: string[]; limit?: number };

/**
 * A page of `query` results.
 * @example
 * ```ts
 * const { items, totalItems, pageInfo } = await catalog.query({ limit: 10 });
 * ```
 */
export interface QueryEntitiesResult {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

/**
 * Request of `getEntities` (Backstage's `GetEntitiesRequest`).
 * @example
 * ```ts
 * await catalog.getEntities({ filter: { kind: 'api' }, fields: ['metadata.name'], order: { field: 'metadata.name', order: 'asc' } });
 * ```
 */
export interface GetEntitiesRequest {
  filter?: EntityFilterQuery;
  /** Backstage predicate query, ANDed with `filter`. */
  query?: FilterPredicate;
  fields?: string[];
  order?: EntityOrder | EntityOrder[];
  offset?: number;
  limit?: number;
  /** Opaque cursor from a previous response's `pageInfo.endCursor`. */
  after?: string;
}

/**
 * Result of `getEntities`; `pageInfo.endCursor` is set when `limit` cut the list.
 * @example
 * ```ts
 * const { items } = await catalog.getEntities();
 * ```
 */
export interface GetEntitiesResult {
  items: Entity[];
  pageInfo?: { endCursor?: string };
}

/**
 * Result of `getEntityAncestors` (Backstage's shape).
 * @example
 * ```ts
 * const { rootEntityRef, items } = await catalog.getEntityAncestors('component:default/a');
 * ```
 */
export interface EntityAncestryResult {
  rootEntityRef: string;
  items: { entity: Entity; parentEntityRefs: string[] }[];
}

/**
 * Result of `getEntityFacets`.
 * @example
 * ```ts
 * const { facets } = await catalog.getEntityFacets({ facets: ['kind'] });
 * facets.kind; // [{ value: 'Component', count: 12 }, ...]
 * ```
 */
export interface EntityFacetsResult {
  facets: Record<string, { value: string; count: number }[]>;
}

/**
 * Result of `validateEntity` (Backstage's `ValidateEntityResponse`).
 * @example
 * ```ts
 * const r = await catalog.validateEntity(entity, 'url:https://example.com/catalog-info.yaml');
 * if (!r.valid) console.log(r.errors);
 * ```
 */
export type ValidateEntityResult = { valid: true } | { valid: false; errors: { name: string; message: string }[] };

/**
 * Processing problems of one entity (or of reading a location), for tools that list them.
 * @example
 * ```ts
 * for (const report of await catalog.getProcessingErrors()) console.log(report.entityRef, report.errors);
 * ```
 */
export interface ProcessingErrorReport {
  entityRef: string;
  locationKey?: string;
  /** Whether the entity is served (its last processing succeeded at least once). */
  served: boolean;
  errors: ProcessingError[];
}

/**
 * What the catalog offers its callers: reads and mutations, with shapes that mirror
 * `@backstage/catalog-client` so an HTTP layer can adapt them one to one. The catalog itself is
 * one (the trusted host's: everything allowed); `catalog.forPrincipal(principal)` returns another
 * that asks the policy: reads show only what `catalog.entity.read` lets the principal see
 * (hidden entities are absent from lists, counts, facets and cursors, `undefined` by ref or uid,
 * not found for ancestry), and mutations it may not make throw `NotAllowedError` and change
 * nothing. Every mutation is audited.
 *
 * @example
 * ```ts
 * const view: CatalogView = catalog.forPrincipal(principal);
 * const { items, totalItems } = await view.query({ filter: { kind: 'component' } });
 * ```
 */
export interface CatalogView {
  addLocation(location: { type?: string; target: string }, options?: { dryRun?: boolean }): Promise<AddLocationResult>;
  removeLocation(id: string): Promise<void>;
  getLocations(): Promise<Location[]>;
  getLocation(id: string): Promise<Location>;
  getLocationByEntity(ref: string): Promise<Location>;
  /**
   * Locations matching a predicate over `id`, `type`, `target` and `entityRef` (Backstage's
   * `queryLocations`), a page at a time in id order; pass `pageInfo.nextCursor` for the next.
   *
   * @example
   * ```ts
   * const { items, pageInfo } = await catalog.queryLocations({ query: { type: 'url', target: { $hasPrefix: 'https://github.com/acme/' } }, limit: 20 });
   * ```
   */
  queryLocations(request?: QueryLocationsRequest): Promise<QueryLocationsResult>;
  /**
   * Point a location at a new type and target, keeping its id (Backstage's `PUT /locations/:id`).
   * The new target is read first; then entities only the old target produced are removed and
   * the new ones committed, in one step. A (type, target) that another location has is a conflict.
   */
  updateLocation(id: string, location: { type?: string; target: string }): Promise<Location>;
  /** Process everything (or the entity's source) until quiescent. */
  refresh(options?: { entityRef?: string; key?: string }): Promise<void>;
  query(request?: QueryEntitiesRequest): Promise<QueryEntitiesResult>;
  getEntities(request?: GetEntitiesRequest): Promise<GetEntitiesResult>;
  getEntityByRef(ref: string | { kind: string; namespace?: string; name: string }): Promise<Entity | undefined>;
  getEntityByUid(uid: string): Promise<Entity | undefined>;
  getEntitiesByRefs(refs: string[], options?: { fields?: string[]; filter?: EntityFilterQuery; query?: FilterPredicate }): Promise<{ items: (Entity | undefined)[] }>;
  removeEntityByUid(uid: string): Promise<void>;
  /**
   * Change an entity's metadata or spec through its source (`catalog.entity.update`, audited):
   * a pull request editing its YAML document when it was read from a GitHub repository, a direct
   * change when a provider owns it. The patched entity is validated first; see docs/write-back.md.
   *
   * @example
   * ```ts
   * const result = await catalog.updateEntity('component:default/web', { patch: { spec: { owner: 'group:default/payments' } } });
   * if (result.method === 'pull-request') console.log(result.url);
   * ```
   */
  updateEntity(entityRef: string, update: EntityUpdate): Promise<EntityUpdateResult>;
  getEntityAncestors(ref: string): Promise<EntityAncestryResult>;
  getEntityFacets(request: { facets: string[]; filter?: EntityFilterQuery; query?: FilterPredicate }): Promise<EntityFacetsResult>;
  /**
   * Walk relations from root entities (`POST /entities/graph`): the entities reached within
   * `maxDepth` along the chosen relation types and directions, filtered, as nodes and edges, a
   * page at a time, cut at `maxNodes` (`truncated`). Entities the caller may not read are neither
   * returned nor walked through. Bad requests are InputErrors. See docs/catalog-graph.md.
   *
   * @example
   * ```ts
   * const { nodes, edges } = await catalog.queryGraph({ rootEntityRefs: ['system:default/shop'], relations: ['hasPart', 'dependsOn'], maxDepth: 2 });
   * ```
   */
  queryGraph(request: EntityGraphRequest): Promise<EntityGraphResult>;
  /**
   * Validate an entity as if read from `locationRef`, storing nothing. Both come from the caller
   * (`POST /validate-entity`), so `$text`/`$json`/`$yaml` placeholders are never read: each is
   * reported as a `NotAllowedError` instead of reading files or URLs the caller names.
   */
  validateEntity(entity: unknown, locationRef?: string): Promise<ValidateEntityResult>;
  /**
   * What a location holds, read as a dry run and stored nowhere (Backstage's
   * `POST /analyze-location`): its entity files and whether it is registered.
   *
   * @example
   * ```ts
   * const { existingEntityFiles } = await catalog.analyzeLocation({ type: 'file', target: './catalog-info.yaml' });
   * ```
   */
  analyzeLocation(location: { type: string; target: string }): Promise<AnalyzeLocationResult>;
  getProcessingErrors(): Promise<ProcessingErrorReport[]>;
  /**
   * Each entity provider's status in this process: state (`connecting`, `ready`, `retrying`,
   * `failed`), last success, last error (credentials masked), failures in a row and when the
   * next attempt is due. Through `forPrincipal`, needs `catalog.location.read` (else
   * `NotAllowedError`). The shape is `entityProviderStatusSchema` of `@portalkit/catalog-model`.
   *
   * @example
   * ```ts
   * for (const status of await catalog.getProviderStatuses()) {
   *   if (status.state !== 'ready') console.warn(status.name, status.state, status.lastError?.message);
   * }
   * ```
   */
  getProviderStatuses(): Promise<EntityProviderStatus[]>;
}

/**
 * The catalog library without its HTTP layer: a {@link CatalogView} for the trusted host plus
 * lifecycle (`use`, `start`, `stop`) and `forPrincipal`. `createCatalog` returns a
 * {@link Catalog}, which adds `handler()`.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ rootDir: './fixtures' });
 * await catalog.addLocation({ type: 'file', target: './all.yaml' });
 * const { items } = await catalog.query({ filter: { kind: 'component' } });
 * ```
 */
export interface CatalogLibrary extends CatalogView {
  /** Register a processor; only before the first run (configure, then freeze). */
  use(processor: EntityProcessor): this;
  /**
   * Run `refresh()` now and then every `refreshIntervalMs`. Without `events` (or `auth`) in the
   * options, the catalog uses `context.events` and `context.auth` (the portal's, when run as
   * `catalogPlugin`).
   */
  start(context?: { events?: CatalogEventSink; auth?: PortalAuth; metrics?: Metrics }): Promise<void>;
  /**
   * Stop the refresh loop, cancel providers' pending retries and scheduled runs (abandoning
   * attempts still running), and wait for the mutation in progress. `start()` resumes them.
   */
  stop(): Promise<void>;
  /**
   * The catalog as `principal` may use it: reads filtered in the store by the policy's
   * `catalog.entity.read` decision, mutations checked (`catalog.location.create` and
   * `catalog.entity.create` to register, `catalog.location.delete` (plus the two create
   * permissions) to retarget, `catalog.location.delete` to remove, `catalog.entity.delete` /
   * `catalog.entity.refresh` on the entity, `catalog.location.analyze` to validate or analyze)
   * and audited as `principal`, with `request`'s id when given. `allowedLocationTypes` replaces
   * the catalog's for this view only: for host code that builds a location itself on the
   * principal's behalf (the HTTP API never passes it).
   *
   * @example
   * ```ts
   * const principal = await catalog.auth.identify(request);
   * const entity = await catalog.forPrincipal(principal, { request }).getEntityByRef('component:default/payments');
   * ```
   */
  forPrincipal(principal: Principal, options?: { request?: Request; allowedLocationTypes?: readonly string[] }): CatalogView;
  /** The identity, policy and audit in use (see `CatalogOptions.auth`). */
  readonly auth: PortalAuth;
}


/**
 * The catalog, as returned by `createCatalog`: the library plus its HTTP handler.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ rootDir: './fixtures' });
 * await catalog.addLocation({ type: 'file', target: './all.yaml' });
 * const { items } = await catalog.query({ filter: { kind: 'component' } });
 * ```
 */
export interface Catalog extends CatalogLibrary {
  /**
   * Backstage's catalog REST API over this catalog (see `createCatalogHandler`), for
   * `@backstage/catalog-client` and any HTTP caller.
   *
   * @example
   * ```ts
   * createServer(toNodeHandler(catalog.handler({ basePath: '/api/catalog' }))).listen(7007);
   * ```
   */
  handler(options?: CatalogHandlerOptions): Handler;
}

/**
 * Backstage's `AnalyzeLocationResponse`: the entity files found at a location, and entities a
 * UI could offer to generate where there are none.
 *
 * @example
 * ```ts
 * const { existingEntityFiles } = await catalog.analyzeLocation({ type: 'file', target: './catalog-info.yaml' });
 * existingEntityFiles[0]?.isRegistered;
 * ```
 */
export interface AnalyzeLocationResult {
  existingEntityFiles: { location: { type: string; target: string }; isRegistered: boolean; entity: Entity }[];
  /** Always empty: portalkit does not guess entities from repository contents. */
  generateEntities: { entity: Partial<Entity>; fields: { field: string; state: string; value: string | null; description: string }[] }[];
}
