import { RELATION_OWNED_BY, parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Catalog, EntityFilterQuery } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';
import { compileFilter, entityLookup } from './filter.js';
import type { EntityPredicate } from './filter.js';
import { scoreResults } from './score.js';
import { storableText } from './text.js';
import type { Check, CheckContext, CheckOutcome, CheckResult, Scorecard, ScorecardResult } from './types.js';

/**
 * The part of the catalog scorecards read. A `Catalog` from `createCatalog` fits, and so does
 * any client with the same methods.
 *
 * @example
 * ```ts
 * const catalog: ScorecardCatalog = createCatalog({ kinds: [...builtinKinds, scorecardKind] });
 * ```
 */
export type ScorecardCatalog = Pick<Catalog, 'getEntityByRef' | 'getEntitiesByRefs' | 'getEntities'>;

/** What one scorecard's result on one entity was computed from. */
export interface ResultDependencies {
  refs: Set<string>;
  filters: EntityFilterQuery[];
}

/** The evaluation of one entity against several scorecards. */
export interface EntityEvaluation {
  entityRef: string;
  results: { result: ScorecardResult; dependencies: ResultDependencies }[];
  /** Scorecards that do not apply to the entity (any stored result of theirs is stale). */
  notApplicable: string[];
}

/** Evaluates entities; one evaluator per run shares entity reads between checks and entities. */
export interface Evaluator {
  evaluateEntity(entity: Entity, scorecards: readonly Scorecard[]): Promise<EntityEvaluation>;
}

const PAGE = 1000;

/** Visit every entity of the catalog (matching `filter`), one page at a time. */
export async function forEachEntityPage(
  catalog: ScorecardCatalog,
  visit: (entities: Entity[]) => Promise<void>,
): Promise<void> {
  let after: string | undefined;
  do {
    const page = await catalog.getEntities({ limit: PAGE, ...(after ? { after } : {}) });
    if (page.items.length) await visit(page.items);
    after = page.pageInfo?.endCursor;
  } while (after);
}

/** Canonical ref of what a check asked for; undefined when it is not a ref. */
function canonical(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref));
}

/**
 * Create an evaluator over `catalog`. Entities read by checks are cached for the evaluator's
 * life (one run), so a team's group is read once however many components it owns.
 */
export function createEvaluator(options: {
  catalog: ScorecardCatalog;
  now: () => Date;
  predicates: (subject: Check | Scorecard) => EntityPredicate;
}): Evaluator {
  const { catalog, now, predicates } = options;
  const reads = new Map<string, Promise<Entity | undefined>>();
  const read = (ref: string) => {
    let pending = reads.get(ref);
    if (!pending) reads.set(ref, (pending = catalog.getEntityByRef(ref)));
    return pending;
  };

  const runCheck = async (check: Check, entity: Entity, ctx: CheckContext): Promise<CheckOutcome> => {
    try {
      const outcome = await check.evaluate(entity, ctx);
      if (!outcome || !['pass', 'fail', 'warn'].includes(outcome.status)) {
        return { status: 'fail', message: `check ${check.id} returned no valid status (pass, fail or warn)` };
      }
      // Messages quote entity content; NUL or a lone surrogate would make the result unstorable.
      return { status: outcome.status, message: typeof outcome.message === 'string' ? storableText(outcome.message) : '' };
    } catch (error) {
      return { status: 'fail', message: storableText(`check ${check.id} could not run: ${(error as Error)?.message ?? String(error)}`) };
    }
  };

  return {
    async evaluateEntity(entity, scorecards) {
      const entityRef = stringifyEntityRef(entity);
      const lookup = entityLookup(entity);
      const ownerRef = entity.relations?.find((r) => r.type === RELATION_OWNED_BY)?.targetRef;
      const evaluation: EntityEvaluation = { entityRef, results: [], notApplicable: [] };
      for (const scorecard of scorecards) {
        if (!predicates(scorecard)(lookup)) {
          evaluation.notApplicable.push(scorecard.id);
          continue;
        }
        const dependencies: ResultDependencies = { refs: new Set(), filters: [] };
        // The refs each check reads are also kept apart, so a principal's view can withhold only
        // the outcomes computed from entities it may not read (checks run one at a time).
        let checkRefs = new Set<string>();
        const record = (ref: string) => {
          if (ref === entityRef) return;
          dependencies.refs.add(ref);
          checkRefs.add(ref);
        };
        const ctx: CheckContext = {
          async getEntityByRef(ref) {
            const key = canonical(ref);
            record(key);
            return read(key);
          },
          async query(request) {
            dependencies.filters.push(request.filter);
            // The ref fields are always fetched: recording what the query returned needs them.
            const fields = request.fields ? [...new Set([...request.fields, 'kind', 'metadata.name', 'metadata.namespace'])] : undefined;
            const page = await catalog.getEntities({
              filter: request.filter,
              ...(request.limit !== undefined ? { limit: request.limit } : {}),
              ...(fields ? { fields } : {}),
            });
            for (const item of page.items) record(stringifyEntityRef(item));
            return { items: page.items };
          },
          dependOn(ref) {
            record(canonical(ref));
          },
        };
        const checks: CheckResult[] = [];
        for (const level of scorecard.levels) {
          for (const { check, weight } of level.checks) {
            if (!predicates(check)(lookup)) continue;
            checkRefs = new Set();
            const outcome = await runCheck(check, entity, ctx);
            checks.push({ checkId: check.id, level: level.id, weight, ...outcome, dependencies: [...checkRefs].sort() });
          }
        }
        const score = scoreResults(scorecard, checks);
        evaluation.results.push({
          result: {
            scorecardId: scorecard.id,
            entityRef,
            ...(ownerRef ? { ownerRef } : {}),
            evaluatedAt: now().toISOString(),
            ...score,
            checks,
            dependencies: [...dependencies.refs].sort(),
          },
          dependencies,
        });
      }
      return evaluation;
    },
  };
}

/** Compiled `appliesTo` predicates, cached per check or scorecard object. */
export function createPredicateCache(): (subject: Check | Scorecard) => EntityPredicate {
  const cache = new WeakMap<Check | Scorecard, EntityPredicate>();
  return (subject) => {
    let predicate = cache.get(subject);
    if (!predicate) cache.set(subject, (predicate = compileFilter(subject.appliesTo, `${'levels' in subject ? 'scorecard' : 'check'} ${subject.id}`)));
    return predicate;
  };
}
