import { InputError, NotFoundError, mapLimit, serializeError } from '@portalkit/core';
import type { Logger } from '@portalkit/core';
import {
  CATALOG_TOPICS,
  catalogEntityDeletedEvent,
  catalogEntityUpsertedEvent,
  stringifyEntityRef,
} from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { builtinChecks } from './checks/index.js';
import { createDependencyIndex } from './dependency-index.js';
import type { ResultKey } from './dependency-index.js';
import { createEvaluator, createPredicateCache, forEachEntityPage } from './evaluator.js';
import type { EntityEvaluation } from './evaluator.js';
import { createScorecardRegistry } from './registry.js';
import { memoryScorecardStore } from './stores/memory.js';
import { entityRefKey } from './entity-ref-key.js';
import { createScorecardQueries } from './queries.js';
import { createSerialQueue } from './serial-queue.js';
import { compileScorecardTrust } from './trust.js';
import type { Scorecard, ScorecardResult, ScorecardWriteRejection } from './types.js';
import type { EvaluationSummary, ScorecardsLibrary, ScorecardsOptions } from './library-types.js';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
const CONCURRENCY = 32;
const BATCH = 500;

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
  const queries = createScorecardQueries({ catalog, registry, store });

  const queue = createSerialQueue();
  const exclusive = queue.run;

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
    const deleted = new Set((changes.deleted ?? []).map(entityRefKey));
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
    ...queries,

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
        const ref = entityRefKey(evaluateOptions.entityRef);
        if (!(await catalog.getEntityByRef(ref))) throw new NotFoundError(`No entity ${ref}`);
        return evaluateRefs(new Map([[ref, new Set(cards.map((c) => c.id))]]));
      });
    },

    applyChanges: (changes) => exclusive(() => applyUnlocked(changes ?? {})),

    async idle() {
      while (flush) await flush;
      await queue.idle();
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
              ref = entityRefKey(parsed.data.entityRef);
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
