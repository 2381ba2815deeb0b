import { NotFoundError } from '@portalkit/core';
import type { ScorecardCatalog } from './evaluator.js';
import { entityRefKey } from './entity-ref-key.js';
import type { ScorecardRegistry } from './registry.js';
import type { Scorecard, ScorecardResult, ScorecardStore } from './types.js';
import type { ScorecardInfo, ScorecardSummary, ScorecardsLibrary } from './library-types.js';

/** The read side of the scorecards library: scorecards, and stored results by entity, scorecard and owner. */
export type ScorecardQueries = Pick<ScorecardsLibrary, 'listScorecards' | 'getEntityResults' | 'getScorecardSummary' | 'getOwnerResults'>;

/** Options of {@link createScorecardQueries}. */
export interface ScorecardQueriesOptions {
  catalog: ScorecardCatalog;
  registry: ScorecardRegistry;
  store: ScorecardStore;
}

/** A scorecard as the API lists it: its levels and checks without the check code. */
export function scorecardInfo(card: Scorecard): ScorecardInfo {
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

/** A scorecard's summary over `results` (all of its results to count), with `worst` as given. */
export function summarizeResults(card: Scorecard, results: readonly ScorecardResult[], worst: ScorecardResult[]): ScorecardSummary {
  const counts = card.levels.map(() => 0);
  let below = 0;
  let sum = 0;
  for (const r of results) {
    if (r.levelIndex >= 0 && r.levelIndex < counts.length) counts[r.levelIndex]! += 1;
    else below += 1;
    sum += r.percentage;
  }
  return {
    scorecard: scorecardInfo(card),
    total: results.length,
    levels: card.levels.map((l, i) => ({ id: l.id, title: l.title, count: counts[i]! })),
    belowFirstLevel: below,
    averagePercentage: results.length ? Math.round((sum / results.length) * 10) / 10 : 0,
    worst,
  };
}

/** Create the queries of the scorecards library; unknown entities and scorecards are `NotFoundError`s. */
export function createScorecardQueries({ catalog, registry, store }: ScorecardQueriesOptions): ScorecardQueries {
  return {
    async listScorecards() {
      await registry.ensureLoaded();
      return { scorecards: registry.all().map(scorecardInfo), problems: registry.problems() };
    },

    async getEntityResults(entityRef, resultOptions = {}) {
      const ref = entityRefKey(entityRef);
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
      return summarizeResults(card, results, worst);
    },

    async getOwnerResults(ownerRef) {
      const ref = entityRefKey(ownerRef);
      return { ownerRef: ref, results: await store.latest({ ownerRef: ref }) };
    },
  };
}
