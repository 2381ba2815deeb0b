import { failingChecks } from '../score.js';
import type { ScorecardHistoryEntry, ScorecardResult } from '../types.js';

/** The history entry a result would add. */
export function historyEntryOf(result: ScorecardResult): ScorecardHistoryEntry {
  return {
    scorecardId: result.scorecardId,
    entityRef: result.entityRef,
    timestamp: result.evaluatedAt,
    ...(result.level !== undefined ? { level: result.level } : {}),
    levelIndex: result.levelIndex,
    percentage: result.percentage,
    failingChecks: failingChecks(result.checks),
  };
}

/** Whether `next` changes what the history shows compared to the `previous` latest result. */
export function outcomeChanged(previous: ScorecardResult | undefined, next: ScorecardResult): boolean {
  if (!previous) return true;
  if (previous.levelIndex !== next.levelIndex || previous.level !== next.level || previous.percentage !== next.percentage) return true;
  const a = failingChecks(previous.checks);
  const b = failingChecks(next.checks);
  return a.length !== b.length || a.some((id, i) => id !== b[i]);
}

/** Order of `latest` queries: by ref then scorecard, or worst first (level, percentage, ref). */
export function compareResults(order: 'ref' | 'worst' | undefined) {
  const byRef = (a: ScorecardResult, b: ScorecardResult) =>
    a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : a.scorecardId < b.scorecardId ? -1 : a.scorecardId > b.scorecardId ? 1 : 0;
  if (order !== 'worst') return byRef;
  return (a: ScorecardResult, b: ScorecardResult) => a.levelIndex - b.levelIndex || a.percentage - b.percentage || byRef(a, b);
}
