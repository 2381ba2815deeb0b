import type { Logger } from '@portalkit/core';
import { serializeError } from '@portalkit/core';
import type { DependencyIndex, ResultKey } from './dependency-index.js';
import type { EntityEvaluation } from './evaluator.js';
import type { Scorecard, ScorecardResult, ScorecardStore, ScorecardWriteRejection } from './types.js';
import type { EvaluationSummary } from './library-types.js';

/** What one write of results did. */
export interface RecordSummary {
  evaluated: number;
  removed: number;
  rejected: NonNullable<EvaluationSummary['rejected']>;
}

/**
 * Writes evaluations to the store and keeps, beside it, which results the store holds (so only
 * those are removed, and counted as removed) and what each result read (the dependency index).
 */
export interface ResultRecorder {
  /**
   * Learn which results the store holds for `cards`. With `everything` (`cards` are all the
   * scorecards) one read covers them all, and the stored results that belong to no scorecard are
   * returned counted by scorecard id: one removed, or stored under an earlier id (a catalog
   * scorecard's bare name).
   */
  loadStored(cards: readonly Scorecard[], everything: boolean): Promise<Map<string, number>>;
  /** The entities the store holds results of for a scorecard. */
  storedRefs(scorecardId: string): ReadonlySet<string>;
  /** Store one batch of evaluations (and removals of results that exist) and record what each result read. */
  record(evaluations: readonly EntityEvaluation[], removals?: readonly ResultKey[]): Promise<RecordSummary>;
  /** Remove every result of a scorecard. */
  dropScorecard(card: Scorecard): Promise<void>;
  /** Remove, in one write, the results stored under ids that name no scorecard (see `loadStored`). */
  removeUnknown(scorecardIds: readonly string[]): Promise<void>;
  /** Take a stored result as known without evaluating it again (a start without a full run). */
  remember(result: ScorecardResult): void;
}

/** Options of {@link createResultRecorder}. */
export interface ResultRecorderOptions {
  store: ScorecardStore;
  index: DependencyIndex;
  logger: () => Logger;
}

/** Create the result recorder of one scorecards library. */
export function createResultRecorder({ store, index, logger }: ResultRecorderOptions): ResultRecorder {
  const stored = new Map<string, Set<string>>();
  const storedOf = (scorecardId: string) => {
    let set = stored.get(scorecardId);
    if (!set) stored.set(scorecardId, (set = new Set()));
    return set;
  };

  return {
    async loadStored(cards, everything) {
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
    },

    storedRefs: storedOf,

    async record(evaluations, removals = []) {
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
        logger().warn('scorecards: the store refused a result', { scorecardId, entityRef, error: serializeError(error) });
        return { scorecardId, entityRef, message: error.message };
      });
      return { evaluated: put.length - rejected.length, removed: remove.length, rejected };
    },

    async dropScorecard(card) {
      index.deleteScorecard(card.id);
      stored.delete(card.id);
      await store.write({ remove: [{ scorecardId: card.id }] });
    },

    async removeUnknown(scorecardIds) {
      await store.write({ remove: scorecardIds.map((scorecardId) => ({ scorecardId })) });
    },

    remember(result) {
      index.set(result, result.dependencies);
      storedOf(result.scorecardId).add(result.entityRef);
    },
  };
}
