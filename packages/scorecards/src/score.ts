import type { CheckResult, Scorecard } from './types.js';

/**
 * Level and percentage of a scorecard from the results of its applicable checks. A level is
 * reached when none of its checks, nor any lower level's, failed; a level whose checks all
 * skipped the entity is passed through. The percentage is the weighted share of passes (a warn
 * counts half); with no weight to count it is 100.
 */
export function scoreResults(
  scorecard: Scorecard,
  checks: readonly CheckResult[],
): { levelIndex: number; level?: string; percentage: number } {
  const failedLevels = new Set(checks.filter((c) => c.status === 'fail').map((c) => c.level));
  let levelIndex = -1;
  for (let i = 0; i < scorecard.levels.length; i++) {
    if (failedLevels.has(scorecard.levels[i]!.id)) break;
    levelIndex = i;
  }
  let total = 0;
  let earned = 0;
  for (const c of checks) {
    total += c.weight;
    earned += c.status === 'pass' ? c.weight : c.status === 'warn' ? c.weight / 2 : 0;
  }
  const percentage = total === 0 ? 100 : Math.round((earned / total) * 1000) / 10;
  return { levelIndex, ...(levelIndex >= 0 ? { level: scorecard.levels[levelIndex]!.id } : {}), percentage };
}

/** Ids of failed checks, sorted: what the history records. */
export function failingChecks(checks: readonly CheckResult[]): string[] {
  return checks
    .filter((c) => c.status === 'fail')
    .map((c) => c.checkId)
    .sort();
}
