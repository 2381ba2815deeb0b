import { InputError, NotFoundError } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { builtinChecks } from './checks/index.js';
import { createEvaluator, createPredicateCache, forEachEntityPage } from './evaluator.js';
import type { ScorecardCatalog } from './evaluator.js';
import { scorecardFromEntity } from './kind.js';
import { findScorecard } from './scorecard-id.js';
import { compileScorecardTrust } from './trust.js';
import type { ScorecardLocationRule } from './trust.js';
import type { Check, CheckResult, Scorecard, ScorecardResult } from './types.js';

/**
 * Options of {@link checkScorecards}.
 *
 * @example
 * ```ts
 * const options: CheckScorecardsOptions = { catalog, scorecards: [readiness], requiredLevel: 'silver' };
 * ```
 */
export interface CheckScorecardsOptions {
  catalog: ScorecardCatalog;
  /** Scorecards to check; default the catalog's `kind: Scorecard` entities from `trustedLocations`. */
  scorecards?: readonly Scorecard[];
  /**
   * Without `scorecards`: the locations trusted to declare them (as in `createScorecards`).
   * Default none; Scorecard entities from elsewhere are listed in `ignored`.
   */
  trustedLocations?: readonly ScorecardLocationRule[];
  /** Checks the catalog's Scorecard entities may name; default `builtinChecks()`. */
  checks?: readonly Check[];
  /** Level every entity must reach: one level id for all scorecards, or one per scorecard id (full or short). */
  requiredLevel: string | Readonly<Record<string, string>>;
  /** Only check this entity. */
  entityRef?: string;
  /** Clock of `evaluatedAt`. */
  now?: () => Date;
}

/**
 * An entity below the level it must reach on one scorecard.
 *
 * @example
 * ```ts
 * const below: BelowRequiredLevel = { entityRef: 'component:default/a', scorecardId: 'readiness', requiredLevel: 'silver', level: 'bronze', percentage: 60, failingChecks: [] };
 * ```
 */
export interface BelowRequiredLevel {
  entityRef: string;
  scorecardId: string;
  requiredLevel: string;
  /** Level reached; absent when none. */
  level?: string;
  percentage: number;
  /** Failed checks of the required level and those below it: what to fix. */
  failingChecks: CheckResult[];
}

/**
 * Result of {@link checkScorecards}.
 * @example
 * ```ts
 * const { ok, evaluated, below, results } = await checkScorecards({ catalog, requiredLevel: 'bronze' });
 * ```
 */
export interface CheckScorecardsResult {
  /** True when no entity is below its required level. */
  ok: boolean;
  /** Results computed (entities times applicable scorecards). */
  evaluated: number;
  /** Sorted by entity ref, then scorecard. */
  below: BelowRequiredLevel[];
  /** Every result computed, passing or not, sorted by entity ref, then scorecard: what a report prints. */
  results: ScorecardResult[];
  /** Scorecard entities not used because their location is not trusted (only without `scorecards`). */
  ignored: { entityRef: string; message: string }[];
}

/**
 * Evaluate scorecards over a catalog once, store nothing, and list the entities below the
 * required level: what a CI gate (`portalkit scorecard check --level silver`) needs. A required
 * level a scorecard does not have is an `InputError` naming the scorecard and its levels, as is a
 * catalog Scorecard entity that names an unknown check.
 *
 * @example
 * ```ts
 * const { ok, below } = await checkScorecards({ catalog, scorecards: [readiness], requiredLevel: 'silver' });
 * for (const b of below) console.log(`${b.entityRef}: ${b.level ?? 'no level'} < ${b.requiredLevel}`);
 * process.exitCode = ok ? 0 : 1;
 * ```
 */
export async function checkScorecards(options: CheckScorecardsOptions): Promise<CheckScorecardsResult> {
  if (!options || !options.catalog) throw new InputError('checkScorecards: catalog is required');
  const { catalog, requiredLevel } = options;
  let cards: readonly Scorecard[];
  const ignored: CheckScorecardsResult['ignored'] = [];
  if (options.scorecards) cards = options.scorecards;
  else {
    const checks = options.checks ?? builtinChecks();
    const trust = compileScorecardTrust(options.trustedLocations, 'checkScorecards');
    const { items } = await catalog.getEntities({ filter: { kind: 'scorecard' } });
    const trusted = items.filter((entity) => {
      const verdict = trust(entity);
      if (!verdict.trusted) ignored.push({ entityRef: stringifyEntityRef(entity), message: verdict.reason });
      return verdict.trusted;
    });
    cards = trusted.map((entity) => scorecardFromEntity(entity, checks));
  }
  // Required levels may name scorecards by short id; results use the full one.
  const perCard = new Map<string, string>();
  if (typeof requiredLevel !== 'string') {
    const unknown: string[] = [];
    for (const [id, level] of Object.entries(requiredLevel ?? {})) {
      const card = findScorecard(cards, id);
      if (card) perCard.set(card.id, level);
      else unknown.push(id);
    }
    if (unknown.length) throw new InputError(`checkScorecards: requiredLevel names unknown scorecards: ${unknown.join(', ')}`);
  }
  const required = new Map<string, number>();
  for (const card of cards) {
    const wanted = typeof requiredLevel === 'string' ? requiredLevel : perCard.get(card.id);
    if (wanted === undefined) continue;
    const index = card.levels.findIndex((l) => l.id === wanted);
    if (index < 0) {
      throw new InputError(`checkScorecards: scorecard ${card.id} has no level ${JSON.stringify(wanted)}; its levels: ${card.levels.map((l) => l.id).join(', ')}`);
    }
    required.set(card.id, index);
  }
  const gated = cards.filter((c) => required.has(c.id));
  const evaluator = createEvaluator({ catalog, now: options.now ?? (() => new Date()), predicates: createPredicateCache() });
  const result: CheckScorecardsResult = { ok: true, evaluated: 0, below: [], results: [], ignored };
  const visit = async (entities: readonly Entity[]) => {
    for (const entity of entities) {
      const evaluation = await evaluator.evaluateEntity(entity, gated);
      for (const { result: r } of evaluation.results) {
        result.evaluated += 1;
        result.results.push(r);
        const card = gated.find((c) => c.id === r.scorecardId)!;
        const need = required.get(r.scorecardId)!;
        if (r.levelIndex >= need) continue;
        const levelsToFix = new Set(card.levels.slice(0, need + 1).map((l) => l.id));
        result.below.push({
          entityRef: r.entityRef,
          scorecardId: r.scorecardId,
          requiredLevel: card.levels[need]!.id,
          ...(r.level !== undefined ? { level: r.level } : {}),
          percentage: r.percentage,
          failingChecks: r.checks.filter((c) => c.status === 'fail' && levelsToFix.has(c.level)),
        });
      }
    }
  };
  if (options.entityRef) {
    const entity = await catalog.getEntityByRef(options.entityRef);
    if (!entity) throw new NotFoundError(`checkScorecards: no entity ${options.entityRef}`);
    await visit([entity]);
  } else {
    await forEachEntityPage(catalog, (entities) => visit(entities));
  }
  const byRef = (a: { entityRef: string; scorecardId: string }, b: { entityRef: string; scorecardId: string }) =>
    a.entityRef < b.entityRef ? -1 : a.entityRef > b.entityRef ? 1 : a.scorecardId < b.scorecardId ? -1 : 1;
  result.below.sort(byRef);
  result.results.sort(byRef);
  result.ok = result.below.length === 0;
  return result;
}
