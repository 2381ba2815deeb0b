import { NotFoundError, mapLimit } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { DependencyIndex, ResultKey } from './dependency-index.js';
import { createEvaluator, forEachEntityPage } from './evaluator.js';
import type { ScorecardCatalog } from './evaluator.js';
import type { EntityPredicate } from './filter.js';
import { entityRefKey } from './entity-ref-key.js';
import type { ScorecardRegistry } from './registry.js';
import type { ResultRecorder } from './result-recorder.js';
import type { Check, Scorecard } from './types.js';
import type { EvaluationSummary, ScorecardsLibrary } from './library-types.js';

/**
 * Computes results and keeps the store current: full runs over the catalog, runs on some
 * entities, and the re-evaluation a set of catalog changes calls for. Not serialised: callers run
 * one operation at a time.
 */
export interface EvaluationService {
  /** `ScorecardsLibrary.evaluate`, unserialised. */
  evaluate(options?: Parameters<ScorecardsLibrary['evaluate']>[0]): Promise<EvaluationSummary>;
  /** `ScorecardsLibrary.applyChanges`, unserialised. */
  applyChanges(changes: Parameters<ScorecardsLibrary['applyChanges']>[0]): Promise<EvaluationSummary>;
}

/** Options of {@link createEvaluationService}. */
export interface EvaluationServiceOptions {
  catalog: ScorecardCatalog;
  registry: ScorecardRegistry;
  recorder: ResultRecorder;
  index: DependencyIndex;
  now: () => Date;
  predicates: (subject: Check | Scorecard) => EntityPredicate;
  /** Whether `kind: Scorecard` entities among the changes define scorecards. */
  catalogScorecards: boolean;
}

const CONCURRENCY = 32;
const BATCH = 500;

const emptySummary = (): EvaluationSummary => ({ evaluated: 0, removed: 0, entityRefs: [] });
const addRejected = (summary: EvaluationSummary, rejected: NonNullable<EvaluationSummary['rejected']>) => {
  if (rejected.length) (summary.rejected ??= []).push(...rejected);
};
const merge = (summary: EvaluationSummary, s: EvaluationSummary) => {
  summary.evaluated += s.evaluated;
  summary.removed += s.removed;
  summary.entityRefs.push(...s.entityRefs);
  addRejected(summary, s.rejected ?? []);
};

/** Create the evaluation service of one scorecards library. */
export function createEvaluationService(options: EvaluationServiceOptions): EvaluationService {
  const { catalog, registry, recorder, index, now, predicates } = options;

  /**
   * Evaluate `cards` over every entity; drop their results for entities that are gone, and with
   * `everything` (all scorecards) the results of scorecards that no longer exist.
   */
  const evaluateAll = async (cards: readonly Scorecard[], everything = false): Promise<EvaluationSummary> => {
    const evaluator = createEvaluator({ catalog, now, predicates });
    const seen = new Set<string>();
    const summary = emptySummary();
    for (const card of cards) index.deleteScorecard(card.id);
    const unknown = await recorder.loadStored(cards, everything);
    if (unknown.size) {
      await recorder.removeUnknown([...unknown.keys()]);
      for (const count of unknown.values()) summary.removed += count;
    }
    await forEachEntityPage(catalog, async (entities) => {
      const evaluations = await mapLimit(entities, CONCURRENCY, (entity) => evaluator.evaluateEntity(entity, cards));
      for (const e of evaluations) {
        seen.add(e.entityRef);
        if (e.results.length) summary.entityRefs.push(e.entityRef);
      }
      const r = await recorder.record(evaluations);
      summary.evaluated += r.evaluated;
      summary.removed += r.removed;
      addRejected(summary, r.rejected);
    });
    const stale: ResultKey[] = [];
    for (const card of cards) for (const entityRef of recorder.storedRefs(card.id)) if (!seen.has(entityRef)) stale.push({ scorecardId: card.id, entityRef });
    summary.removed += (await recorder.record([], stale)).removed;
    summary.entityRefs.sort();
    return summary;
  };

  /** Evaluate some scorecards (by id, or all) on some entities (by ref). */
  const evaluateRefs = async (targets: Map<string, Set<string> | 'all'>): Promise<EvaluationSummary> => {
    const evaluator = createEvaluator({ catalog, now, predicates });
    const summary = emptySummary();
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
      const r = await recorder.record(evaluations, gone);
      summary.evaluated += r.evaluated;
      summary.removed += r.removed;
      addRejected(summary, r.rejected);
    }
    return summary;
  };

  /**
   * Catalog scorecards among the changes update the registry and are taken out of `upserted` and
   * `deleted`; returns the ones to re-run over the whole catalog (deleted ones lose their results).
   */
  const applyScorecardChanges = async (upserted: Map<string, Entity>, deleted: Set<string>): Promise<Scorecard[]> => {
    const rerun: Scorecard[] = [];
    if (!options.catalogScorecards) return rerun;
    for (const [ref, entity] of upserted) {
      if (entity.kind.toLowerCase() !== 'scorecard') continue;
      upserted.delete(ref);
      const { card, replaced } = registry.upsert(entity);
      if (replaced) await recorder.dropScorecard(replaced);
      if (card) rerun.push(card);
    }
    for (const ref of deleted) {
      const card = registry.remove(ref);
      if (!card) continue;
      deleted.delete(ref);
      await recorder.dropScorecard(card);
    }
    return rerun;
  };

  const applyChanges: EvaluationService['applyChanges'] = async (changes) => {
    await registry.ensureLoaded();
    const deleted = new Set((changes.deleted ?? []).map(entityRefKey));
    const upserted = new Map<string, Entity>();
    for (const entity of changes.upserted ?? []) {
      const ref = stringifyEntityRef(entity);
      upserted.set(ref, entity);
      deleted.delete(ref);
    }
    const summary = emptySummary();
    // Scorecards that changed are re-run over the whole catalog.
    const rerun = await applyScorecardChanges(upserted, deleted);
    if (rerun.length) merge(summary, await evaluateAll(rerun));
    const rerunIds = new Set(rerun.map((c) => c.id));

    // The changed entities themselves, and every result that read one of them.
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
    if (targets.size) merge(summary, await evaluateRefs(targets));
    summary.entityRefs = [...new Set(summary.entityRefs)].sort();
    return summary;
  };

  return {
    async evaluate(evaluateOptions = {}) {
      // A full run re-reads the catalog's scorecards; those gone lose their results.
      if (!evaluateOptions.entityRef) for (const card of await registry.reload()) await recorder.dropScorecard(card);
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
    },
    applyChanges,
  };
}
