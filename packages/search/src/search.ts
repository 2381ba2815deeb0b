import { InputError, createPortalAuth, serializeError } from '@portalkit/core';
import type { EventBus, Handler, Logger, PortalAuth, Principal, SerializedError } from '@portalkit/core';
import { authorizeTypes } from './authorize-types.js';
import type { Collator, CollatorUpdate } from './collators/types.js';
import { memoryEngine } from './engines/memory/index.js';
import type { SearchEngine } from './engines/types.js';
import { searchDocumentSchema } from './types.js';
import type { SearchDocument, SearchQuery, SearchResultSet } from './types.js';
import { normalizeQuery } from './query.js';

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
  /**
   * Identity and policy for `forPrincipal` and the HTTP API; default the portal's (`start`
   * context), else anonymous and allow-all.
   */
  auth?: PortalAuth;
}

/**
 * What a principal may do with search: query, seeing only what the policy lets it see.
 *
 * @example
 * ```ts
 * const page = await search.forPrincipal(principal).query({ term: 'payments' });
 * ```
 */
export interface SearchReader {
  /** The collators' types. */
  readonly types: readonly string[];
  /**
   * Query as the principal: each type's `visibilityPermission` is asked once; denied types are
   * left out, conditional ones filtered in the engine, so results, `numberOfResults` and cursors
   * only ever count documents the principal may see.
   */
  query(query: SearchQuery): Promise<SearchResultSet>;
}

/**
 * The outcome of rebuilding one type. `ok: false` means collecting or indexing failed as a whole and
 * the type's previous documents were kept; per-item problems (one bad entity) are in `errors`
 * either way and never stop the rest.
 *
 * @example
 * ```ts
 * for (const r of await search.rebuild()) if (!r.ok) console.error(r.type, r.errors);
 * ```
 */
export type RebuildResult =
  | { type: string; ok: true; documents: number; errors: SerializedError[] }
  | { type: string; ok: false; errors: SerializedError[] };

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
  const types = [...collators.keys()];
  let contextAuth: PortalAuth | undefined;
  let defaultAuth: PortalAuth | undefined;
  const auth = (): PortalAuth => options.auth ?? contextAuth ?? (defaultAuth ??= createPortalAuth({ logger }));

  let unsubscribers: Array<() => void> = [];
  // Event updates are applied one at a time, in arrival order.
  let updates: Promise<void> = Promise.resolve();
  // Per type being rebuilt: the updates applied meanwhile, replayed once the new index lands.
  const pending = new Map<string, CollatorUpdate[]>();
  const rebuilding = new Map<string, Promise<RebuildResult>>();

  const validDocuments = (type: string, documents: readonly unknown[], errors: SerializedError[]): SearchDocument[] => {
    const out: SearchDocument[] = [];
    for (const doc of documents) {
      const parsed = searchDocumentSchema.safeParse(doc);
      if (!parsed.success || parsed.data.type !== type) {
        const where = (doc as { location?: unknown })?.location;
        errors.push(serializeError(new InputError(`Invalid ${type} document${typeof where === 'string' ? ` at ${where}` : ''}`)));
      } else {
        out.push(parsed.data);
      }
    }
    return out;
  };

  const apply = async (type: string, update: CollatorUpdate): Promise<void> => {
    if (update.remove) await engine.remove(type, update.remove);
    if (update.upsert && update.upsert.length > 0) {
      const errors: SerializedError[] = [];
      const docs = validDocuments(type, update.upsert, errors);
      for (const error of errors) logger.warn('search: skipped an invalid document from an event', { type, error });
      if (docs.length > 0) await engine.upsert(docs);
    }
  };

  const enqueue = (work: () => Promise<void>): Promise<void> => {
    const next = updates.then(work).catch((error: unknown) => {
      logger.error('search: incremental update failed', { error: serializeError(error) });
    });
    updates = next;
    return next;
  };

  const onEvent = (collator: Collator, topic: string, payload: unknown): Promise<void> =>
    enqueue(async () => {
      let update: CollatorUpdate | undefined;
      try {
        update = await collator.update?.(topic, payload);
      } catch (error) {
        logger.warn('search: ignored an event the collator could not read', { type: collator.type, topic, error: serializeError(error) });
        return;
      }
      if (!update) return;
      pending.get(collator.type)?.push(update);
      await apply(collator.type, update);
    });

  const rebuildType = async (collator: Collator): Promise<RebuildResult> => {
    const type = collator.type;
    const errors: SerializedError[] = [];
    pending.set(type, []);
    try {
      const collected: unknown[] = [];
      for await (const doc of collator.collect({ reportError: (error) => errors.push(serializeError(error)) })) {
        collected.push(doc);
      }
      const documents = validDocuments(type, collected, errors);
      await engine.index(type, documents);
      return { type, ok: true, documents: documents.length, errors };
    } catch (error) {
      errors.push(serializeError(error));
      return { type, ok: false, errors };
    } finally {
      // Through the update queue, so nothing interleaves with the replay.
      await enqueue(async () => {
        const replay = pending.get(type) ?? [];
        pending.delete(type);
        for (const update of replay) await apply(type, update);
      });
    }
  };

  const search: SearchLibrary = {
    types,

    async rebuild(only) {
      const wanted = only ?? types;
      const unknown = wanted.filter((t) => !collators.has(t));
      if (unknown.length > 0) throw new InputError(`Unknown search types: ${unknown.join(', ')}; known: ${types.join(', ')}`);
      const results: RebuildResult[] = [];
      for (const type of new Set(wanted)) {
        // A second rebuild of a type waits for the running one, then collects afresh.
        const previous = rebuilding.get(type) ?? Promise.resolve(undefined);
        const run = previous.then(() => rebuildType(collators.get(type)!));
        rebuilding.set(type, run);
        const result = await run;
        if (rebuilding.get(type) === run) rebuilding.delete(type);
        if (!result.ok) logger.error('search: rebuild failed, previous documents kept', { type, errors: result.errors });
        else if (result.errors.length > 0) logger.warn('search: rebuild skipped some items', { type, errors: result.errors });
        results.push(result);
      }
      return results;
    },

    query: (query) => engine.query(query),

    auth,

    forPrincipal(principal) {
      return {
        types,
        async query(query) {
          // Validated first, so a bad query is a 400 whatever the principal may see.
          const q = normalizeQuery(query);
          const authorized = await authorizeTypes(auth(), principal, q.types ?? types, collators, logger);
          if (!engine.features.visibility && Object.keys(authorized.visibility).length > 0) {
            // An engine that does not filter would return every document of those types.
            logger.error('search: the engine does not apply visibility; hiding conditionally visible types', {
              types: Object.keys(authorized.visibility),
            });
            authorized.types = authorized.types.filter((t) => !Object.hasOwn(authorized.visibility, t));
            authorized.visibility = {};
          }
          if (authorized.types.length === 0) return { results: [], numberOfResults: 0 };
          return engine.query({ ...query, types: authorized.types }, { visibility: authorized.visibility });
        },
      };
    },

    async start(context = {}) {
      if (context.logger && !options.logger) logger = context.logger;
      if (context.auth) contextAuth = context.auth;
      const events = options.events ?? context.events;
      if (events && unsubscribers.length === 0) {
        for (const collator of collators.values()) {
          if (!collator.update) continue;
          for (const topic of collator.topics ?? []) {
            unsubscribers.push(events.subscribe(topic, (payload) => onEvent(collator, topic, payload)));
          }
        }
      }
      if (options.rebuildOnStart ?? true) await search.rebuild();
    },

    async stop() {
      for (const off of unsubscribers) off();
      unsubscribers = [];
      await Promise.all([...rebuilding.values()]);
      await updates;
      await engine.close();
    },
  };
  return search;
}
