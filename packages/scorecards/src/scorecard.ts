import { InputError } from '@portalkit/core';
import type { EntityFilterQuery } from '@portalkit/catalog';
import { compileFilter } from './filter.js';
import type { Check, Scorecard, ScorecardLevel } from './types.js';

/**
 * Options of {@link defineScorecard}: levels lowest first, each listing checks (a check, or a
 * check with its weight).
 *
 * @example
 * ```ts
 * const options: DefineScorecardOptions = { id: 'readiness', levels: [{ id: 'bronze', checks: [hasOwner(), { check: hasDescription(), weight: 2 }] }] };
 * ```
 */
export interface DefineScorecardOptions {
  id: string;
  title?: string;
  description?: string;
  /** Entities the scorecard rates (a catalog filter). Default: every entity. */
  appliesTo?: EntityFilterQuery;
  levels: { id: string; title?: string; checks: (Check | { check: Check; weight?: number })[] }[];
  /** Ref of the catalog entity the scorecard came from. */
  entityRef?: string;
}

const idPattern = /^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$/;

/**
 * The largest weight a check may have in a scorecard. Bounded so that no sum of weights can
 * overflow to Infinity and turn a percentage into NaN.
 *
 * @example
 * ```ts
 * defineScorecard({ id: 'x', levels: [{ id: 'a', checks: [{ check: hasOwner(), weight: MAX_SCORECARD_WEIGHT }] }] });
 * ```
 */
export const MAX_SCORECARD_WEIGHT = 1_000_000;

/**
 * Define a scorecard in code. An entity reaches a level when every check of that level and of
 * all lower levels passes (a `warn` does not block); the percentage weighs every applicable
 * check. Rejects, naming the scorecard, empty or duplicate levels, a check used twice, or a
 * weight that is not a number from 0 to {@link MAX_SCORECARD_WEIGHT}.
 *
 * @example
 * ```ts
 * const readiness = defineScorecard({
 *   id: 'production-readiness',
 *   title: 'Production readiness',
 *   appliesTo: { kind: 'Component', 'spec.type': 'service' },
 *   levels: [
 *     { id: 'bronze', checks: [hasOwner(), hasDescription()] },
 *     { id: 'silver', checks: [{ check: hasTechDocs(), weight: 2 }, hasSystem()] },
 *     { id: 'gold', checks: [ownerHasMembers({ min: 2 }), dependenciesInProduction()] },
 *   ],
 * });
 * ```
 */
export function defineScorecard(options: DefineScorecardOptions): Scorecard {
  if (options === null || typeof options !== 'object') throw new InputError('defineScorecard: options must be an object');
  const label = `defineScorecard(${JSON.stringify(options.id)})`;
  if (typeof options.id !== 'string' || !idPattern.test(options.id)) {
    throw new InputError(`${label}: id must be letters and digits joined by -, _ or .`);
  }
  compileFilter(options.appliesTo, label);
  if (!Array.isArray(options.levels) || options.levels.length === 0) throw new InputError(`${label}: levels must list at least one level`);
  const levelIds = new Set<string>();
  const checkIds = new Set<string>();
  const levels: ScorecardLevel[] = options.levels.map((level, i) => {
    const at = `${label}: levels[${i}]`;
    if (!level || typeof level.id !== 'string' || !idPattern.test(level.id)) throw new InputError(`${at}: id must be letters and digits joined by -, _ or .`);
    if (levelIds.has(level.id)) throw new InputError(`${at}: level id ${JSON.stringify(level.id)} is used twice`);
    levelIds.add(level.id);
    if (!Array.isArray(level.checks)) throw new InputError(`${at}: checks must be an array`);
    return {
      id: level.id,
      title: level.title ?? level.id,
      checks: level.checks.map((entry, j) => {
        const check = entry && 'check' in entry ? entry.check : (entry as Check);
        const weight = entry && 'check' in entry ? (entry.weight ?? 1) : 1;
        const where = `${at}.checks[${j}]`;
        if (!check || typeof check.id !== 'string' || typeof check.evaluate !== 'function') {
          throw new InputError(`${where}: expected a check made by createCheck`);
        }
        if (checkIds.has(check.id)) throw new InputError(`${where}: check ${JSON.stringify(check.id)} is used twice`);
        checkIds.add(check.id);
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > MAX_SCORECARD_WEIGHT) {
          throw new InputError(`${where}: weight of ${check.id} must be a finite number from 0 to ${MAX_SCORECARD_WEIGHT}, got ${String(weight)}`);
        }
        return { check, weight };
      }),
    };
  });
  return Object.freeze({
    id: options.id,
    title: options.title ?? options.id,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.appliesTo !== undefined ? { appliesTo: options.appliesTo } : {}),
    levels,
    ...(options.entityRef !== undefined ? { entityRef: options.entityRef } : {}),
  });
}
