import { InputError, createPortalAuth, createScheduler } from '@portalkit/core';
import type { EventBus, Handler, Logger, PortalAuth, Principal, Scheduler, SchedulerLock } from '@portalkit/core';
import type { Collator } from './collators/types.js';
import { memoryEngine } from './engines/memory/index.js';
import type { SearchEngine } from './engines/types.js';
import type { RebuildResult, SearchQuery, SearchReader, SearchResultSet } from './types.js';
import { createIndexer } from './indexer.js';
import { createPrincipalReader } from './principal-reader.js';

/**
 * The part of core's `EventBus` search needs. Any bus whose `subscribe` takes a topic string fits.
 *
 * @example
 * ```ts
 * const events: SearchEventSource = createEventBus();
 * ```
 */
export type SearchEventSource = Pick<EventBus<Record<string, unknown>>, 'subscribe'>;

/**
 * Options of {@link createSearch}.
 *
 * @example
 * ```ts
 * const options: SearchOptions = { collators: [catalogCollator({ getEntities })], engine: postgresEngine({ pool }), events: bus };
 * ```
 */
export interface SearchOptions {
  /** Where documents live; default an in-memory `memoryEngine()`. */
  engine?: SearchEngine;
  /** One per document type; types must be unique. */
  collators: readonly Collator[];
  /** When given, `start()` subscribes every collator to its topics for incremental updates. */
  events?: SearchEventSource;
  logger?: Logger;
  /** Run a full `rebuild()` in `start()`; default true. */
  rebuildOnStart?: boolean;
  /** Also run a full `rebuild()` (collation) this often after `start()`; default never. */
  rebuildIntervalMs?: number;
  /**
   * Several processes sharing one engine (PostgreSQL): the full rebuild, at start and every
   * `rebuildIntervalMs` (task `search-rebuild`), runs in one of them per period instead of in
   * each, e.g. with `createSqlSchedulerLock` of `@portalkit/sql`. Not for a memory engine, which
   * every process must fill itself.
   */
  schedulerLock?: SchedulerLock;
  /**
   * Identity and policy for `forPrincipal` and the HTTP API; default the portal's (`start`
   * context), else anonymous and allow-all.
   */
  auth?: PortalAuth;
}

/** The search library without its HTTP layer. */
export interface SearchLibrary {
  /** The collators' types. */
  readonly types: readonly string[];
  /** Re-collect and fully re-index the given types (default all); results per type, never throws per type. */
  rebuild(types?: readonly string[]): Promise<RebuildResult[]>;
  /** Query as the trusted host: every document of every type. */
  query(query: SearchQuery): Promise<SearchResultSet>;
  /** The search as `principal` sees it (see {@link SearchReader}). */
  forPrincipal(principal: Principal): SearchReader;
  /** The auth in use: `options.auth`, else the start context's, else anonymous and allow-all. */
  auth(): PortalAuth;
  /** Subscribe to events (from options, else from `context`), then rebuild unless disabled. */
  start(context?: { events?: SearchEventSource; logger?: Logger; auth?: PortalAuth }): Promise<void>;
  /** Unsubscribe, let in-flight updates finish, close the engine. */
  stop(): Promise<void>;
}

/**
 * A running search: collators feeding an engine, kept current by events.
 *
 * @example
 * ```ts
 * await search.start();
 * const page = await search.query({ term: 'payments', filters: { kind: 'Component' } });
 * const handler = search.handler({ basePath: '/api/search' });
 * await search.stop();
 * ```
 */
export interface Search extends SearchLibrary {
  /** Backstage's search HTTP API: `GET <basePath>/query`. */
  handler(options?: { basePath?: string }): Handler;
}

const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/**
 * Create the search library; the public `createSearch` (create-search.ts) adds `handler()`, so
 * this module never imports its HTTP handler.
 */
export function createSearchLibrary(options: SearchOptions): SearchLibrary {
  const collators = new Map<string, Collator>();
  for (const collator of options?.collators ?? []) {
    if (!collator || typeof collator.type !== 'string' || typeof collator.collect !== 'function') {
      throw new InputError('createSearch: every collator needs a type and a collect() function');
    }
    if (collators.has(collator.type)) throw new InputError(`createSearch: two collators have type '${collator.type}'`);
    collators.set(collator.type, collator);
  }
  const engine = options.engine ?? memoryEngine();
  let logger = options.logger ?? silentLogger;
  const getLogger = () => logger;
  const types = [...collators.keys()];
  let contextAuth: PortalAuth | undefined;
  let defaultAuth: PortalAuth | undefined;
  const auth = (): PortalAuth => options.auth ?? contextAuth ?? (defaultAuth ??= createPortalAuth({ logger }));
  const indexer = createIndexer({ engine, collators, logger: getLogger });
  let unsubscribers: Array<() => void> = [];
  const intervalMs = options.rebuildIntervalMs;
  if (intervalMs !== undefined && (!Number.isInteger(intervalMs) || intervalMs < 1)) {
    throw new InputError(`createSearch: rebuildIntervalMs must be a positive integer, got ${JSON.stringify(intervalMs)}`);
  }
  const lock = options.schedulerLock;
  if (lock !== undefined && (typeof lock?.tryAcquire !== 'function' || typeof lock.release !== 'function')) {
    throw new InputError('createSearch: schedulerLock must be a SchedulerLock (tryAcquire and release)');
  }
  let scheduler: Scheduler | undefined;

  const search: SearchLibrary = {
    types,

    rebuild: (only) => indexer.rebuild(only),

    query: (query) => engine.query(query),

    auth,

    forPrincipal: (principal) => createPrincipalReader({ engine, collators, types, auth, logger: getLogger }, principal),

    async start(context = {}) {
      if (context.logger && !options.logger) logger = context.logger;
      if (context.auth) contextAuth = context.auth;
      const events = options.events ?? context.events;
      if (events && unsubscribers.length === 0) {
        for (const collator of collators.values()) {
          if (!collator.update) continue;
          for (const topic of collator.topics ?? []) {
            unsubscribers.push(events.subscribe(topic, (payload) => indexer.onEvent(collator, topic, payload)));
          }
        }
      }
      if (scheduler) return;
      if (!lock && !intervalMs) {
        if (options.rebuildOnStart ?? true) await search.rebuild();
        return;
      }
      // Without an interval the task exists only for the leased rebuild at start.
      scheduler = createScheduler({ logger, ...(lock ? { lock } : {}) });
      const frequencyMs = intervalMs ?? 3_600_000;
      const rebuild = async () => {
        await search.rebuild();
      };
      scheduler.schedule({ id: 'search-rebuild', frequencyMs, initialDelayMs: intervalMs ? frequencyMs : 2 ** 31 - 1, fn: rebuild });
      if (options.rebuildOnStart ?? true) await scheduler.trigger('search-rebuild');
    },

    async stop() {
      await scheduler?.stop();
      scheduler = undefined;
      for (const off of unsubscribers) off();
      unsubscribers = [];
      await indexer.settle();
      await engine.close();
    },
  };
  return search;
}
