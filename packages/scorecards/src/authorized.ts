import { NotAllowedError, NotFoundError, hostPrincipal, type Logger, type PortalAuth, type Principal } from '@portalkit/core';
import { catalogEntityReadPermission, entityConditionsToFilter, entityMatchesFilter } from '@portalkit/catalog-model';
import { entityRefKey } from './entity-ref-key.js';
import type { ScorecardCatalog } from './evaluator.js';
import type { EvaluationSummary, PrincipalScorecards, ScorecardsLibrary } from './library-types.js';
import { scorecardsManagePermission, scorecardsReadPermission } from './permissions.js';
import { summarizeResults } from './queries.js';
import type { ScorecardRegistry } from './registry.js';
import { compareResults } from './stores/history.js';
import type { ScorecardResult, ScorecardStore } from './types.js';

/** What {@link authorizeScorecards} reads and runs. */
export interface AuthorizeScorecardsOptions {
  library: PrincipalScorecards;
  catalog: ScorecardCatalog;
  registry: ScorecardRegistry;
  store: ScorecardStore;
  auth: () => PortalAuth;
  logger: () => Logger;
}

const BATCH = 500;

/**
 * The scorecards as `principal` sees them. An entity's results are visible when the principal may
 * read the entity (`catalog.entity.read`, conditions applied to the entity as the catalog has it);
 * an unreadable entity's results answer the same `NotFoundError` as an unknown entity's, and
 * summaries and owner lists count only readable entities. Scorecard definitions need
 * `scorecards.read` (a catalog scorecard also needs its entity to be readable); evaluating needs
 * `scorecards.manage` and is audited as `scorecards.evaluate`.
 */
export function authorizeScorecards(options: AuthorizeScorecardsOptions, principal: Principal): PrincipalScorecards {
  const { library, catalog, registry, store } = options;

  /** The refs (lower-cased keys) among `refs` the principal may read. */
  const readable = async (refs: readonly string[]): Promise<Set<string>> => {
    const keys = [...new Set(refs.map(entityRefKey))];
    const decision = await options.auth().authorize(principal, catalogEntityReadPermission);
    if (decision.result === 'ALLOW') return new Set(keys);
    if (decision.result === 'DENY' || keys.length === 0) return new Set();
    let filter: ReturnType<typeof entityConditionsToFilter>;
    try {
      filter = entityConditionsToFilter(decision.conditions);
    } catch (error) {
      options.logger().error('scorecards: permission conditions could not be applied; denying', { error });
      return new Set();
    }
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += BATCH) {
      const slice = keys.slice(i, i + BATCH);
      const { items } = await catalog.getEntitiesByRefs(slice);
      slice.forEach((key, j) => {
        const entity = items[j];
        if (entity && entityMatchesFilter(entity, filter)) out.add(key);
      });
    }
    return out;
  };

  /** Results of readable entities, without the refs of unreadable entities they were computed from. */
  const visibleResults = async <T extends { entityRef: string }>(results: readonly T[], dependencies = true): Promise<T[]> => {
    const refs = results.flatMap((r) => [r.entityRef, ...(dependencies ? ((r as Partial<ScorecardResult>).dependencies ?? []) : [])]);
    const ok = await readable(refs);
    return results
      .filter((r) => ok.has(entityRefKey(r.entityRef)))
      .map((r) => {
        const deps = (r as Partial<ScorecardResult>).dependencies;
        return deps ? { ...r, dependencies: deps.filter((d) => ok.has(entityRefKey(d))) } : r;
      });
  };

  const assertAllowed = async (permission: typeof scorecardsReadPermission): Promise<void> => {
    const decision = await options.auth().authorize(principal, permission);
    if (decision.result !== 'ALLOW') throw new NotAllowedError(`Not allowed: ${permission.name}`);
  };

  return {
    async listScorecards() {
      await assertAllowed(scorecardsReadPermission);
      const { scorecards, problems } = await library.listScorecards();
      const ok = await readable([...scorecards.flatMap((s) => (s.entityRef ? [s.entityRef] : [])), ...problems.map((p) => p.entityRef)]);
      return {
        scorecards: scorecards.filter((s) => s.entityRef === undefined || ok.has(entityRefKey(s.entityRef))),
        problems: problems.filter((p) => ok.has(entityRefKey(p.entityRef))),
      };
    },

    async getScorecardSummary(scorecardId, summaryOptions = {}) {
      await assertAllowed(scorecardsReadPermission);
      await registry.ensureLoaded();
      const card = registry.byId(scorecardId);
      const hidden = card?.entityRef !== undefined && !(await readable([card.entityRef])).size;
      if (!card || hidden) throw new NotFoundError(`No scorecard ${JSON.stringify(scorecardId)}`);
      // Filtered before anything is counted or ranked, so totals and the worst list agree.
      const results = await visibleResults(await store.latest({ scorecardId: card.id }));
      const worst = [...results].sort(compareResults('worst')).slice(0, summaryOptions.worst ?? 10);
      return summarizeResults(card, results, worst);
    },

    async getEntityResults(entityRef, resultOptions) {
      const ref = entityRefKey(entityRef);
      // An entity the principal may not read is reported exactly as an unknown one.
      if (!(await readable([ref])).size) throw new NotFoundError(`No entity ${ref}`);
      const found = await library.getEntityResults(ref, resultOptions);
      return { ...found, latest: await visibleResults(found.latest) };
    },

    async getOwnerResults(ownerRef) {
      const found = await library.getOwnerResults(ownerRef);
      return { ...found, results: await visibleResults(found.results) };
    },

    async evaluate(evaluateOptions = {}) {
      const auth = options.auth();
      const target = evaluateOptions.entityRef ?? evaluateOptions.scorecardId ?? '*';
      const meta = { ...evaluateOptions };
      const decision = await auth.authorize(principal, scorecardsManagePermission);
      const entityHidden = evaluateOptions.entityRef !== undefined && !(await readable([evaluateOptions.entityRef])).size;
      if (decision.result !== 'ALLOW' || entityHidden) {
        // Not allowed to evaluate at all, or (an unreadable entity) told it does not exist.
        const error =
          decision.result !== 'ALLOW'
            ? new NotAllowedError(`Not allowed: ${scorecardsManagePermission.name}`)
            : new NotFoundError(`No entity ${entityRefKey(evaluateOptions.entityRef!)}`);
        await auth.audit({ plugin: 'scorecards', action: 'scorecards.evaluate', target, outcome: 'denied', principal, meta, error });
        throw error;
      }
      let summary: EvaluationSummary;
      try {
        summary = await library.evaluate(evaluateOptions);
      } catch (error) {
        await auth.audit({ plugin: 'scorecards', action: 'scorecards.evaluate', target, outcome: 'failure', principal, meta, error });
        throw error;
      }
      await auth.audit({
        plugin: 'scorecards',
        action: 'scorecards.evaluate',
        target,
        outcome: 'success',
        principal,
        meta: { ...meta, evaluated: summary.evaluated, removed: summary.removed },
      });
      const ok = await readable([...summary.entityRefs, ...(summary.rejected ?? []).map((r) => r.entityRef)]);
      const rejected = summary.rejected?.filter((r) => ok.has(entityRefKey(r.entityRef)));
      return {
        ...summary,
        entityRefs: summary.entityRefs.filter((r) => ok.has(entityRefKey(r))),
        ...(rejected ? { rejected } : {}),
      };
    },
  };
}

/** `evaluate` as the trusted host calls it: audited as `hostPrincipal()`. */
export function hostEvaluate(
  evaluate: ScorecardsLibrary['evaluate'],
  auth: () => PortalAuth,
): ScorecardsLibrary['evaluate'] {
  const principal = hostPrincipal();
  return async (evaluateOptions = {}) => {
    const target = evaluateOptions.entityRef ?? evaluateOptions.scorecardId ?? '*';
    try {
      const summary = await evaluate(evaluateOptions);
      await auth().audit({
        plugin: 'scorecards',
        action: 'scorecards.evaluate',
        target,
        outcome: 'success',
        principal,
        meta: { ...evaluateOptions, evaluated: summary.evaluated, removed: summary.removed },
      });
      return summary;
    } catch (error) {
      await auth().audit({ plugin: 'scorecards', action: 'scorecards.evaluate', target, outcome: 'failure', principal, meta: { ...evaluateOptions }, error });
      throw error;
    }
  };
}

