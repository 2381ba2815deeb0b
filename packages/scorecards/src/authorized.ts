import { NotAllowedError, NotFoundError, hostPrincipal, type Logger, type PortalAuth, type Principal } from '@portalkit/core';
import { catalogEntityReadPermission, entityConditionsToFilter, entityMatchesFilter } from '@portalkit/catalog-model';
import { entityRefKey } from './entity-ref-key.js';
import type { ScorecardCatalog } from './evaluator.js';
import type { EvaluationSummary, PrincipalScorecards, ScorecardsLibrary } from './library-types.js';
import { scorecardsManagePermission, scorecardsReadPermission } from './permissions.js';
import { summarizeResults } from './queries.js';
import type { ScorecardRegistry } from './registry.js';
import { compareResults } from './stores/history.js';
import type { Scorecard, ScorecardResult, ScorecardStore } from './types.js';
import { refsOfResult, withholdHidden } from './withheld.js';

/** What {@link authorizeScorecards} reads and runs. */
export interface AuthorizeScorecardsOptions {
  library: PrincipalScorecards;
  catalog: ScorecardCatalog;
  registry: ScorecardRegistry;
  store: ScorecardStore;
  auth: () => PortalAuth;
  logger: () => Logger;
  /** The HTTP request acted on, if any: its id goes into the audit events. */
  request?: Request | undefined;
}

const BATCH = 500;

/** Which of a set of refs a principal may read; `all` when the decision is an unconditional ALLOW. */
interface Readable {
  all: boolean;
  has(ref: string): boolean;
}

/**
 * The scorecards as `principal` sees them. Every route needs `scorecards.read` (`NotAllowedError`
 * otherwise). An entity's results are visible when the principal may read the entity
 * (`catalog.entity.read`, conditions applied to the entity as the catalog has it); an unreadable
 * entity or owner answers the same `NotFoundError` as an unknown one, and summaries and owner
 * lists count only readable entities. Within a visible result, a check that read an unreadable
 * entity is withheld (`withholdHidden`: status `unknown`, fixed message, level and percentage
 * recomputed from the other checks). Results, summaries and history of a catalog scorecard whose
 * `kind: Scorecard` entity is unreadable are left out (the summary is not found). Evaluating needs
 * `scorecards.manage` and is audited as `scorecards.evaluate`.
 */
export function authorizeScorecards(options: AuthorizeScorecardsOptions, principal: Principal): PrincipalScorecards {
  const { library, catalog, registry, store } = options;
  const requestOf = options.request ? { request: options.request } : {};

  /** Which of `refs` the principal may read. */
  const readable = async (refs: readonly string[]): Promise<Readable> => {
    const keys = [...new Set(refs.map(entityRefKey))];
    const decision = await options.auth().authorize(principal, catalogEntityReadPermission);
    if (decision.result === 'ALLOW') return { all: true, has: () => true };
    const out = new Set<string>();
    const view = { all: false, has: (ref: string) => out.has(entityRefKey(ref)) };
    if (decision.result === 'DENY' || keys.length === 0) return view;
    let filter: ReturnType<typeof entityConditionsToFilter>;
    try {
      filter = entityConditionsToFilter(decision.conditions);
    } catch (error) {
      options.logger().error('scorecards: permission conditions could not be applied; denying', { error });
      return view;
    }
    for (let i = 0; i < keys.length; i += BATCH) {
      const slice = keys.slice(i, i + BATCH);
      const { items } = await catalog.getEntitiesByRefs(slice);
      slice.forEach((key, j) => {
        const entity = items[j];
        if (entity && entityMatchesFilter(entity, filter)) out.add(key);
      });
    }
    return view;
  };

  /** The scorecard a result belongs to, when the principal may see it (a code one, or a readable Scorecard entity). */
  const cardOf = (id: string, ok: Readable): Scorecard | undefined => {
    const card = registry.byId(id);
    return card && card.id === id && (card.entityRef === undefined || ok.has(card.entityRef)) ? card : undefined;
  };

  /**
   * Results as the principal may see them: of readable entities and visible scorecards only, with
   * the outcomes computed from unreadable entities withheld. Under an unconditional ALLOW, as stored.
   */
  const visibleResults = async (results: readonly ScorecardResult[]): Promise<ScorecardResult[]> => {
    await registry.ensureLoaded();
    const cardRefs = [...new Set(results.map((r) => r.scorecardId))].flatMap((id) => registry.byId(id)?.entityRef ?? []);
    const ok = await readable([...results.flatMap(refsOfResult), ...cardRefs]);
    if (ok.all) return [...results];
    return results.flatMap((r) => {
      const card = cardOf(r.scorecardId, ok);
      const shown = card && withholdHidden(r, card, (ref) => ok.has(ref));
      return shown ? [shown] : [];
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
        scorecards: scorecards.filter((s) => s.entityRef === undefined || ok.has(s.entityRef)),
        problems: problems.filter((p) => ok.has(p.entityRef)),
      };
    },

    async getScorecardSummary(scorecardId, summaryOptions = {}) {
      await assertAllowed(scorecardsReadPermission);
      await registry.ensureLoaded();
      const card = registry.byId(scorecardId);
      const hidden = card?.entityRef !== undefined && !(await readable([card.entityRef])).has(card.entityRef);
      if (!card || hidden) throw new NotFoundError(`No scorecard ${JSON.stringify(scorecardId)}`);
      // Filtered (and rescored where outcomes are withheld) before anything is counted or ranked,
      // so totals, levels and the worst list agree.
      const results = await visibleResults(await store.latest({ scorecardId: card.id }));
      const worst = [...results].sort(compareResults('worst')).slice(0, summaryOptions.worst ?? 10);
      return summarizeResults(card, results, worst);
    },

    async getEntityResults(entityRef, resultOptions) {
      await assertAllowed(scorecardsReadPermission);
      const ref = entityRefKey(entityRef);
      // An entity the principal may not read is reported exactly as an unknown one.
      if (!(await readable([ref])).has(ref)) throw new NotFoundError(`No entity ${ref}`);
      const found = await library.getEntityResults(ref, resultOptions);
      const latest = await visibleResults(found.latest);
      // History has no record of what it was computed from: it is shown for a scorecard only when
      // the scorecard's latest result on the entity is shown with no outcome withheld.
      const complete = new Set(latest.filter((r) => r.checks.every((c) => c.status !== 'unknown')).map((r) => r.scorecardId));
      const everything = (await readable([])).all;
      return { ...found, latest, history: everything ? found.history : found.history.filter((h) => complete.has(h.scorecardId)) };
    },

    async getOwnerResults(ownerRef) {
      await assertAllowed(scorecardsReadPermission);
      const ref = entityRefKey(ownerRef);
      // An owner the principal may not read is reported exactly as an unknown one.
      if (!(await readable([ref])).has(ref)) throw new NotFoundError(`No entity ${ref}`);
      const found = await library.getOwnerResults(ref);
      return { ...found, results: await visibleResults(found.results) };
    },

    async evaluate(evaluateOptions = {}) {
      const auth = options.auth();
      const target = evaluateOptions.entityRef ?? evaluateOptions.scorecardId ?? '*';
      const meta = { ...evaluateOptions };
      const decision = await auth.authorize(principal, scorecardsManagePermission);
      const entityHidden = evaluateOptions.entityRef !== undefined && !(await readable([evaluateOptions.entityRef])).has(evaluateOptions.entityRef);
      if (decision.result !== 'ALLOW' || entityHidden) {
        // Not allowed to evaluate at all, or (an unreadable entity) told it does not exist.
        const error =
          decision.result !== 'ALLOW'
            ? new NotAllowedError(`Not allowed: ${scorecardsManagePermission.name}`)
            : new NotFoundError(`No entity ${entityRefKey(evaluateOptions.entityRef!)}`);
        await auth.audit({ plugin: 'scorecards', action: 'scorecards.evaluate', target, outcome: 'denied', principal, ...requestOf, meta, error });
        throw error;
      }
      let summary: EvaluationSummary;
      try {
        summary = await library.evaluate(evaluateOptions);
      } catch (error) {
        await auth.audit({ plugin: 'scorecards', action: 'scorecards.evaluate', target, outcome: 'failure', principal, ...requestOf, meta, error });
        throw error;
      }
      await auth.audit({
        plugin: 'scorecards',
        action: 'scorecards.evaluate',
        target,
        outcome: 'success',
        principal,
        ...requestOf,
        meta: { ...meta, evaluated: summary.evaluated, removed: summary.removed },
      });
      const ok = await readable([...summary.entityRefs, ...(summary.rejected ?? []).map((r) => r.entityRef)]);
      const rejected = summary.rejected?.filter((r) => ok.has(r.entityRef));
      return {
        ...summary,
        entityRefs: summary.entityRefs.filter((r) => ok.has(r)),
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

