import { InputError, NotFoundError, mapLimit, serializeError } from '@portalkit/core';
import type { EventBus, Handler, Logger } from '@portalkit/core';
import {
  CATALOG_TOPICS,
  catalogEntityDeletedEvent,
  catalogEntityUpsertedEvent,
  parseEntityRef,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { builtinChecks } from './checks/index.js';
import { createDependencyIndex } from './dependency-index.js';
import type { ResultKey } from './dependency-index.js';
import { createEvaluator, createPredicateCache, forEachEntityPage } from './evaluator.js';
import type { EntityEvaluation, ScorecardCatalog } from './evaluator.js';
import { createScorecardRegistry } from './registry.js';
import { memoryScorecardStore } from './stores/memory.js';
import { assertText } from './text.js';
import { compileScorecardTrust } from './trust.js';
import type { ScorecardLocationRule } from './trust.js';
import type { Check, Scorecard, ScorecardHistoryEntry, ScorecardResult, ScorecardStore, ScorecardWriteRejection } from './types.js';

/**
 * The part of core's `EventBus` scorecards need: they subscribe to
 * `catalog.entity.upserted` and `catalog.entity.deleted`.
 *
 * @example
 * ```ts
 * const events: ScorecardEventSource = createEventBus();
 * ```
 */
export type ScorecardEventSource = Pick<EventBus<Record<string, unknown>>, 'subscribe'>;

/**
 * Options of {@link createScorecards}.
 *
 * @example
 * ```ts
 * const options: ScorecardsOptions = { catalog, scorecards: [readiness], events, store: pgliteScorecardStore({ dataDir: './.scores' }) };
 * ```
 */
export interface ScorecardsOptions {
  catalog: ScorecardCatalog;
  /** Scorecards defined in code (`defineScorecard`). */
  scorecards?: readonly Scorecard[];
  /**
   * Checks `kind: Scorecard` entities may name, by id. Default `builtinChecks()`; the checks of
   * code scorecards are always known too.
   */
  checks?: readonly Check[];
  /**
   * Also rate against the catalog's `kind: Scorecard` entities, those from `trustedLocations`.
   * Default true.
   */
  catalogScorecards?: boolean;
  /**
   * Catalog locations trusted to declare `kind: Scorecard` entities (Backstage's catalog rules,
   * for this one kind). Default none: a Scorecard entity from anywhere else is not used, and is
   * listed in `listScorecards().problems` with a warning in the log. A catalog scorecard is
   * identified by its full ref (`scorecard:<namespace>/<name>`), so it never replaces a
   * scorecard of another namespace or one defined in code.
   */
  trustedLocations?: readonly ScorecardLocationRule[];
  /** Where results and history go; default `memoryScorecardStore()`. */
  store?: ScorecardStore;
  /** The catalog's event bus; when given (here or to `start`), changes are evaluated incrementally. */
  events?: ScorecardEventSource;
  logger?: Logger;
  /** Clock of `evaluatedAt`; default `() => new Date()`. */
  now?: () => Date;
  /** Run a full `evaluate()` in `start()`. Default true. */
  evaluateOnStart?: boolean;
}

/**
 * A scorecard as listed by the API: its levels and checks without the check code.
 *
 * @example
 * ```ts
 * const { scorecards } = await service.listScorecards();
 * scorecards[0]!.levels.map((l) => l.id); // ['bronze', 'silver', 'gold']
 * ```
 */
export interface ScorecardInfo {
  id: string;
  title: string;
  description?: string;
  entityRef?: string;
  appliesTo?: Scorecard['appliesTo'];
  levels: { id: string; title: string; checks: { id: string; title: string; description?: string; weight: number }[] }[];
}

/**
 * A `kind: Scorecard` entity that could not be used (e.g. it names an unknown check).
 *
 * @example
 * ```ts
 * const { problems } = await service.listScorecards();
 * for (const p of problems) console.warn(`${p.entityRef}: ${p.message}`);
 * ```
 */
export interface ScorecardProblem {
  entityRef: string;
  message: string;
}

/**
 * What an evaluation did: how many results it computed and removed, and for which entities.
 *
 * @example
 * ```ts
 * const { evaluated, entityRefs } = await service.evaluate({ entityRef: 'component:default/a' });
 * ```
 */
export interface EvaluationSummary {
  /** Results computed (one per scorecard and entity). */
  evaluated: number;
  /** Results dropped: entity deleted, or no longer in a scorecard's scope. */
  removed: number;
  /** Entities evaluated, sorted. */
  entityRefs: string[];
  /** Results the store refused, with the reason; present only when there were any. */
  rejected?: { scorecardId: string; entityRef: string; message: string }[];
}

/**
 * One scorecard across the catalog: entities per level and the worst offenders.
 *
 * @example
 * ```ts
 * const { levels, worst } = await service.getScorecardSummary('production-readiness', { worst: 5 });
 * ```
 */
export interface ScorecardSummary {
  scorecard: ScorecardInfo;
  /** Entities rated. */
  total: number;
  /** Entities whose highest level is this one, in level order. */
  levels: { id: string; title: string; count: number }[];
  /** Entities below the first level. */
  belowFirstLevel: number;
  averagePercentage: number;
  /** Lowest level, then lowest percentage first. */
  worst: ScorecardResult[];
}

/**
 * The scorecards library without its HTTP layer; what the HTTP handler needs.
 *
 * @example
 * ```ts
 * await service.start();
 * const { latest, history } = await service.getEntityResults('component:default/payments');
 * ```
 */
export interface ScorecardsLibrary {
  listScorecards(): Promise<{ scorecards: ScorecardInfo[]; problems: ScorecardProblem[] }>;
  /** Evaluate now: everything, one entity, and/or one scorecard. Stale results are dropped. */
  evaluate(options?: { entityRef?: string; scorecardId?: string }): Promise<EvaluationSummary>;
  /**
   * Re-evaluate what a set of catalog changes can affect: the changed entities themselves and
   * the results that read them. Catalog events arrive here on their own once subscribed.
   */
  applyChanges(changes: { upserted?: readonly Entity[]; deleted?: readonly string[] }): Promise<EvaluationSummary>;
  /** Resolves once the changes received as events so far are evaluated and stored. */
  idle(): Promise<void>;
  getEntityResults(entityRef: string, options?: { historyLimit?: number }): Promise<{ entityRef: string; latest: ScorecardResult[]; history: ScorecardHistoryEntry[] }>;
  getScorecardSummary(scorecardId: string, options?: { worst?: number }): Promise<ScorecardSummary>;
  /** Results of the entities a group (or user) owns. */
  getOwnerResults(ownerRef: string): Promise<{ ownerRef: string; results: ScorecardResult[] }>;
  /** Subscribe to catalog events (options', else `context`'s), then evaluate unless disabled. */
  start(context?: { events?: ScorecardEventSource; logger?: Logger }): Promise<void>;
  /** Unsubscribe, let queued evaluations finish, close the store. */
  stop(): Promise<void>;
}

/**
 * Scorecards over a catalog, as returned by {@link createScorecards}: the library plus its HTTP API.
 *
 * @example
 * ```ts
 * await service.start();
 * const { latest, history } = await service.getEntityResults('component:default/payments');
 * ```
 */
export interface Scorecards extends ScorecardsLibrary {
  /** The HTTP API (see the guide): `GET <basePath>/scorecards`, `/scorecards/:id`, `/scorecards/:namespace/:name`, `/entities/:kind/:namespace/:name`, `/owners/:kind/:namespace/:name`, `POST <basePath>/evaluate`. */
  handler(options?: { basePath?: string }): Handler;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
const CONCURRENCY = 32;
const BATCH = 500;

const refKey = (ref: string) => {
  assertText(ref, 'entity ref');
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch (error) {
    throw new InputError(`Invalid entity ref ${JSON.stringify(ref)}`, { cause: error });
  }
};

function infoOf(card: Scorecard): ScorecardInfo {
  return {
    id: card.id,
    title: card.title,
    ...(card.description !== undefined ? { description: card.description } : {}),
    ...(card.entityRef !== undefined ? { entityRef: card.entityRef } : {}),
    ...(card.appliesTo !== undefined ? { appliesTo: card.appliesTo } : {}),
    levels: card.levels.map((level) => ({
      id: level.id,
      title: level.title,
      checks: level.checks.map(({ check, weight }) => ({
        id: check.id,
        title: check.title,
        ...(check.description !== undefined ? { description: check.description } : {}),
        weight,
      })),
    })),
  };
}

/**
 * Create the scorecards library; the public `createScorecards` (create-scorecards.ts) adds
 * `handler()`, so this module never imports its HTTP handler.
 */
export function createScorecardsLibrary(options: ScorecardsOptions): ScorecardsLibrary {
  if (options === null || typeof options !== 'object') throw new InputError('createScorecards: options must be an object');
  const { catalog } = options;
  if (!catalog || typeof catalog.getEntities !== 'function' || typeof catalog.getEntityByRef !== 'function') {
    throw new InputError('createScorecards: catalog must be a catalog (createCatalog) or a client with the same methods');
  }
  let logger = options.logger ?? silentLogger;
  const registry = createScorecardRegistry({
    catalog,
    scorecards: options.scorecards ?? [],
    checks: options.checks ?? builtinChecks(),
    catalogScorecards: options.catalogScorecards !== false,
    trust: compileScorecardTrust(options.trustedLocations, 'createScorecards'),
    logger: () => logger,
  });
  const store = options.store ?? memoryScorecardStore();
  const now = options.now ?? (() => new Date());
  const predicates = createPredicateCache();
  const index = createDependencyIndex();

  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  };

  // Which results the store holds, so only those are removed (and counted as removed).
  const stored = new Map<string, Set<string>>();
  const storedOf = (scorecardId: string) => {
    let set = stored.get(scorecardId);
    if (!set) stored.set(scorecardId, (set = new Set()));
    return set;
  };
  /**
   * Learn which results the store holds for `cards`. With `everything` (`cards` are all the
   * scorecards) one read covers them all, and counts the stored results that belong to no
   * scorecard, by id: one removed, or stored under an earlier id (a catalog scorecard's bare name).
   */
  const loadStored = async (cards: readonly Scorecard[], everything: boolean): Promise<Map<string, number>> => {
    const unknown = new Map<string, number>();
    for (const card of cards) storedOf(card.id).clear();
    if (!everything) {
      for (const card of cards) for (const r of await store.latest({ scorecardId: card.id })) storedOf(card.id).add(r.entityRef);
      return unknown;
    }
    const known = new Set(cards.map((c) => c.id));
    for (const r of await store.latest()) {
      if (known.has(r.scorecardId)) storedOf(r.scorecardId).add(r.entityRef);
      else unknown.set(r.scorecardId, (unknown.get(r.scorecardId) ?? 0) + 1);
    }
    return unknown;
  };

  /** Store one batch of evaluations (and removals of results that exist) and record what each result read. */
  const record = async (evaluations: readonly EntityEvaluation[], removals: readonly ResultKey[] = []) => {
    const put: ScorecardResult[] = [];
    const remove: ResultKey[] = [];
    const drop = (key: ResultKey) => {
      index.delete(key);
      if (storedOf(key.scorecardId).delete(key.entityRef)) remove.push(key);
    };
    for (const key of removals) drop(key);
    for (const e of evaluations) {
      for (const { result, dependencies } of e.results) {
        put.push(result);
        storedOf(result.scorecardId).add(result.entityRef);
        index.set(result, dependencies.refs, dependencies.filters);
      }
      for (const scorecardId of e.notApplicable) drop({ scorecardId, entityRef: e.entityRef });
    }
    let refused: readonly ScorecardWriteRejection[] = [];
    if (put.length || remove.length) refused = (await store.write({ put, remove }))?.rejected ?? [];
    // A refused result is reported and forgotten; its neighbours in the batch are stored.
    const rejected = refused.map(({ scorecardId, entityRef, error }) => {
      index.delete({ scorecardId, entityRef });
      storedOf(scorecardId).delete(entityRef);
      logger.warn('scorecards: the store refused a result', { scorecardId, entityRef, error: serializeError(error) });
      return { scorecardId, entityRef, message: error.message };
    });
    return { evaluated: put.length - rejected.length, removed: remove.length, rejected };
  };
  const addRejected = (summary: EvaluationSummary, rejected: NonNullable<EvaluationSummary['rejected']>) => {
    if (rejected.length) (summary.rejected ??= []).push(...rejected);
  };

  /**
   * Evaluate `cards` over every entity; drop their results for entities that are gone, and with
   * `everything` (all scorecards) the results of scorecards that no longer exist.
   */
  const evaluateAll = async (cards: readonly Scorecard[], everything = false): Promise<EvaluationSummary> => {
    const evaluator = createEvaluator({ catalog, now, predicates });
    const seen = new Set<string>();
    const summary: EvaluationSummary = { evaluated: 0, removed: 0, entityRefs: [] };
    for (const card of cards) index.deleteScorecard(card.id);
    const unknown = await loadStored(cards, everything);
    if (unknown.size) {
      await store.write({ remove: [...unknown.keys()].map((scorecardId) => ({ scorecardId })) });
      for (const count of unknown.values()) summary.removed += count;
    }
    await forEachEntityPage(catalog, async (entities) => {
      const evaluations = await mapLimit(entities, CONCURRENCY, (entity) => evaluator.evaluateEntity(entity, cards));
      for (const e of evaluations) {
        seen.add(e.entityRef);
        if (e.results.length) summary.entityRefs.push(e.entityRef);
      }
      const r = await record(evaluations);
      summary.evaluated += r.evaluated;
      summary.removed += r.removed;
      addRejected(summary, r.rejected);
    });
    const stale: ResultKey[] = [];
    for (const card of cards) for (const entityRef of storedOf(card.id)) if (!seen.has(entityRef)) stale.push({ scorecardId: card.id, entityRef });
    summary.removed += (await record([], stale)).removed;
    summary.entityRefs.sort();
    return summary;
  };

  /** Evaluate some scorecards (by id, or all) on some entities (by ref). */
  const evaluateRefs = async (targets: Map<string, Set<string> | 'all'>): Promise<EvaluationSummary> => {
    const evaluator = createEvaluator({ catalog, now, predicates });
    const summary: EvaluationSummary = { evaluated: 0, removed: 0, entityRefs: [] };
    const refs = [...targets.keys()].sort();
    for (let i = 0; i < refs.length; i += BATCH) {
      const slice = refs.slice(i, i + BATCH);
      const { items } = await catalog.getEntitiesByRefs(slice);
      const gone: ResultKey[] = [];
      const work: { entity: Entity; cards: Scorecard[] }[] = [];
      slice.forEach((ref, j) => {
        const wanted = targets.get(ref)!;
        const cards = wanted === 'all' ? registry.all() : registry.all().filter((c) => wanted.has(c.id));
        const entity = items[j];
        if (!entity) {
          for (const card of cards) gone.push({ scorecardId: card.id, entityRef: ref });
        } else if (cards.length) work.push({ entity, cards });
      });
      const evaluations = await mapLimit(work, CONCURRENCY, ({ entity, cards }) => evaluator.evaluateEntity(entity, cards));
      for (const e of evaluations) if (e.results.length) summary.entityRefs.push(e.entityRef);
      const r = await record(evaluations, gone);
      summary.evaluated += r.evaluated;
      summary.removed += r.removed;
      addRejected(summary, r.rejected);
    }
    return summary;
  };

  const applyUnlocked = async (changes: { upserted?: readonly Entity[]; deleted?: readonly string[] }): Promise<EvaluationSummary> => {
    await registry.ensureLoaded();
    const deleted = new Set((changes.deleted ?? []).map(refKey));
    const upserted = new Map<string, Entity>();
    for (const entity of changes.upserted ?? []) {
      const ref = stringifyEntityRef(entity);
      upserted.set(ref, entity);
      deleted.delete(ref);
    }
    const summary: EvaluationSummary = { evaluated: 0, removed: 0, entityRefs: [] };
    const merge = (s: EvaluationSummary) => {
      summary.evaluated += s.evaluated;
      summary.removed += s.removed;
      summary.entityRefs.push(...s.entityRefs);
      addRejected(summary, s.rejected ?? []);
    };

    // Scorecards that changed are re-run over the whole catalog; deleted ones lose their results.
    const rerun: Scorecard[] = [];
    if (options.catalogScorecards !== false) {
      for (const [ref, entity] of upserted) {
        if (entity.kind.toLowerCase() !== 'scorecard') continue;
        upserted.delete(ref);
        const { card, replaced } = registry.upsert(entity);
        if (replaced) await dropCard(replaced);
        if (card) rerun.push(card);
      }
      for (const ref of deleted) {
        const card = registry.remove(ref);
        if (!card) continue;
        deleted.delete(ref);
        await dropCard(card);
      }
    }
    if (rerun.length) merge(await evaluateAll(rerun));
    const rerunIds = new Set(rerun.map((c) => c.id));

    const targets = new Map<string, Set<string> | 'all'>();
    const add = (key: ResultKey) => {
      if (rerunIds.has(key.scorecardId)) return;
      const current = targets.get(key.entityRef);
      if (current === 'all') return;
      if (current) current.add(key.scorecardId);
      else targets.set(key.entityRef, new Set([key.scorecardId]));
    };
    for (const ref of [...upserted.keys(), ...deleted]) targets.set(ref, 'all');
    for (const [ref, entity] of upserted) for (const key of index.dependents(ref, entity)) add(key);
    for (const ref of deleted) for (const key of index.dependents(ref)) add(key);
    if (targets.size) merge(await evaluateRefs(targets));
    summary.entityRefs = [...new Set(summary.entityRefs)].sort();
    return summary;
  };

  const dropCard = async (card: Scorecard) => {
    index.deleteScorecard(card.id);
    stored.delete(card.id);
    await store.write({ remove: [{ scorecardId: card.id }] });
  };

  // Events are batched: whatever arrived while an evaluation ran is applied in one go after it.
  const pending = { upserted: new Map<string, Entity>(), deleted: new Set<string>() };
  let flush: Promise<void> | undefined;
  const schedule = () => {
    flush ??= exclusive(async () => {
      flush = undefined;
      const batch = { upserted: [...pending.upserted.values()], deleted: [...pending.deleted] };
      pending.upserted.clear();
      pending.deleted.clear();
      try {
        const summary = await applyUnlocked(batch);
        logger.debug('scorecards: applied catalog changes', { evaluated: summary.evaluated, removed: summary.removed });
      } catch (error) {
        logger.error('scorecards: incremental evaluation failed', { error: serializeError(error) });
      }
    });
  };
  let unsubscribers: Array<() => void> = [];

  const service: ScorecardsLibrary = {
    async listScorecards() {
      await registry.ensureLoaded();
      return {
        scorecards: registry.all().map(infoOf),
        problems: registry.problems(),
      };
    },

    evaluate(evaluateOptions = {}) {
      return exclusive(async () => {
        // A full run re-reads the catalog's scorecards; those gone lose their results.
        if (!evaluateOptions.entityRef) for (const card of await registry.reload()) await dropCard(card);
        await registry.ensureLoaded();
        let cards = registry.all();
        if (evaluateOptions.scorecardId !== undefined) {
          const card = registry.byId(evaluateOptions.scorecardId);
          if (!card) throw new NotFoundError(`No scorecard ${JSON.stringify(evaluateOptions.scorecardId)}`);
          cards = [card];
        }
        if (!evaluateOptions.entityRef) return evaluateAll(cards, evaluateOptions.scorecardId === undefined);
        const ref = refKey(evaluateOptions.entityRef);
        if (!(await catalog.getEntityByRef(ref))) throw new NotFoundError(`No entity ${ref}`);
        return evaluateRefs(new Map([[ref, new Set(cards.map((c) => c.id))]]));
      });
    },

    applyChanges: (changes) => exclusive(() => applyUnlocked(changes ?? {})),

    async idle() {
      while (flush) await flush;
      await lock;
    },

    async getEntityResults(entityRef, resultOptions = {}) {
      const ref = refKey(entityRef);
      const [latest, history] = await Promise.all([
        store.latest({ entityRefs: [ref] }),
        store.history({ entityRef: ref, limit: resultOptions.historyLimit ?? 50 }),
      ]);
      if (!latest.length && !history.length && !(await catalog.getEntityByRef(ref))) throw new NotFoundError(`No entity ${ref}`);
      return { entityRef: ref, latest, history };
    },

    async getScorecardSummary(scorecardId, summaryOptions = {}) {
      await registry.ensureLoaded();
      const card = registry.byId(scorecardId);
      if (!card) throw new NotFoundError(`No scorecard ${JSON.stringify(scorecardId)}`);
      const worstCount = summaryOptions.worst ?? 10;
      const [results, worst] = await Promise.all([
        store.latest({ scorecardId: card.id }),
        store.latest({ scorecardId: card.id, order: 'worst', limit: worstCount }),
      ]);
      const counts = card.levels.map(() => 0);
      let below = 0;
      let sum = 0;
      for (const r of results) {
        if (r.levelIndex >= 0 && r.levelIndex < counts.length) counts[r.levelIndex]! += 1;
        else below += 1;
        sum += r.percentage;
      }
      return {
        scorecard: infoOf(card),
        total: results.length,
        levels: card.levels.map((l, i) => ({ id: l.id, title: l.title, count: counts[i]! })),
        belowFirstLevel: below,
        averagePercentage: results.length ? Math.round((sum / results.length) * 10) / 10 : 0,
        worst,
      };
    },

    async getOwnerResults(ownerRef) {
      const ref = refKey(ownerRef);
      return { ownerRef: ref, results: await store.latest({ ownerRef: ref }) };
    },

    async start(context = {}) {
      if (context.logger && !options.logger) logger = context.logger;
      const events = options.events ?? context.events;
      if (events && unsubscribers.length === 0) {
        // Payloads are parsed with the catalog's own schemas; one that does not match is logged
        // and skipped, never half-applied.
        const ignore = (topic: string, error: unknown) =>
          logger.warn('scorecards: ignored a catalog event that does not match its schema', { topic, error: serializeError(error) });
        unsubscribers = [
          events.subscribe(CATALOG_TOPICS.entityUpserted, (payload) => {
            const parsed = catalogEntityUpsertedEvent.safeParse(payload);
            if (!parsed.success) return ignore(CATALOG_TOPICS.entityUpserted, parsed.error);
            const entity = parsed.data.entity;
            const ref = stringifyEntityRef(entity);
            pending.deleted.delete(ref);
            pending.upserted.set(ref, entity);
            schedule();
          }),
          events.subscribe(CATALOG_TOPICS.entityDeleted, (payload) => {
            const parsed = catalogEntityDeletedEvent.safeParse(payload);
            if (!parsed.success) return ignore(CATALOG_TOPICS.entityDeleted, parsed.error);
            let ref: string;
            try {
              ref = refKey(parsed.data.entityRef);
            } catch (error) {
              return ignore(CATALOG_TOPICS.entityDeleted, error);
            }
            pending.upserted.delete(ref);
            pending.deleted.add(ref);
            schedule();
          }),
        ];
      }
      if (options.evaluateOnStart ?? true) {
        await service.evaluate();
      } else {
        // Without a fresh run, incremental evaluation starts from the stored dependencies.
        for (const result of await store.latest()) {
          index.set(result, result.dependencies);
          storedOf(result.scorecardId).add(result.entityRef);
        }
      }
    },

    async stop() {
      for (const off of unsubscribers) off();
      unsubscribers = [];
      await service.idle();
      await store.close();
    },
  };
  return service;
}
