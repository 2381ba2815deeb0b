import { scoreResults } from './score.js';
import type { CheckResult, Scorecard, ScorecardResult } from './types.js';

/**
 * The message of a check outcome withheld from a principal: in its view (`forPrincipal`, the
 * HTTP API) a check that read an entity the principal may not read has status `unknown` and this
 * message, whatever it returned.
 *
 * @example
 * ```ts
 * const withheld = result.checks.filter((c) => c.status === 'unknown' && c.message === WITHHELD_CHECK_MESSAGE);
 * ```
 */
export const WITHHELD_CHECK_MESSAGE = 'depends on entities you cannot see';

/** Every entity ref `result` names: the entity, its owner, and what it and its checks read. */
export function refsOfResult(result: ScorecardResult): string[] {
  return [
    result.entityRef,
    ...(result.ownerRef ? [result.ownerRef] : []),
    ...(result.dependencies ?? []),
    ...(result.checks ?? []).flatMap((c) => c.dependencies ?? []),
  ];
}

/**
 * `result` as a principal that may read exactly the entities `readable` accepts sees it:
 * undefined when the rated entity is unreadable; else each check that read an unreadable entity
 * (its own `dependencies`, or the result's for results stored before checks recorded their own)
 * is withheld (status `unknown`, {@link WITHHELD_CHECK_MESSAGE}), level and percentage are then
 * recomputed from the checks left (a withheld check neither blocks a level nor counts towards the
 * percentage), and unreadable refs are dropped from `ownerRef` and `dependencies`.
 */
export function withholdHidden(result: ScorecardResult, card: Scorecard, readable: (ref: string) => boolean): ScorecardResult | undefined {
  if (!readable(result.entityRef)) return undefined;
  const resultHidden = (result.dependencies ?? []).some((ref) => !readable(ref));
  let withheld = 0;
  const checks = result.checks.map((check): CheckResult => {
    const hidden = check.dependencies ? check.dependencies.some((ref) => !readable(ref)) : resultHidden;
    if (!hidden) return check;
    withheld += 1;
    return { checkId: check.checkId, level: check.level, weight: check.weight, status: 'unknown', message: WITHHELD_CHECK_MESSAGE };
  });
  const { level: _level, ownerRef, ...rest } = result;
  const score = withheld
    ? scoreResults(card, checks.filter((c) => c.status !== 'unknown'))
    : { levelIndex: result.levelIndex, ...(result.level !== undefined ? { level: result.level } : {}), percentage: result.percentage };
  return {
    ...rest,
    ...(ownerRef && readable(ownerRef) ? { ownerRef } : {}),
    ...score,
    checks,
    dependencies: result.dependencies.filter(readable),
  };
}
