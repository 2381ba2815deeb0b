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
  return { levelIndex, ...(levelIndex >= 0 ? { level: scorecard.levels[levelIndex]!.id } : {}), percentage: weightedPercentage(checks) };
}

/**
 * The weighted share of passes, 0-100, rounded to 0.1; never NaN or Infinity. Weights are
 * divided by the largest one first, so sums stay small even for weights near the largest double
 * (a scorecard not made by `defineScorecard` may have any); unusable weights count as 0.
 */
export function weightedPercentage(checks: readonly Pick<CheckResult, 'weight' | 'status'>[]): number {
  const usable = (w: number) => (typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : 0);
  const max = checks.reduce((m, c) => Math.max(m, usable(c.weight)), 0);
  if (max === 0) return 100;
  let total = 0;
  let earned = 0;
  for (const c of checks) {
    const w = usable(c.weight) / max;
    total += w;
    earned += c.status === 'pass' ? w : c.status === 'warn' ? w / 2 : 0;
  }
  const percentage = Math.round((earned / total) * 1000) / 10;
  return Number.isFinite(percentage) ? Math.min(100, Math.max(0, percentage)) : 0;
}

/** Ids of failed checks, sorted: what the history records. */
export function failingChecks(checks: readonly CheckResult[]): string[] {
  return checks
    .filter((c) => c.status === 'fail')
    .map((c) => c.checkId)
    .sort();
}
