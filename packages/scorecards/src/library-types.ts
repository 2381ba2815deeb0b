import type { EventBus, Handler, Logger, PortalAuth, Principal } from '@portalkit/core';
import type { Entity } from '@portalkit/catalog-model';
import type { ScorecardCatalog } from './evaluator.js';
import type { ScorecardLocationRule } from './trust.js';
import type { Check, Scorecard, ScorecardHistoryEntry, ScorecardResult, ScorecardStore } from './types.js';

// The scorecards' public library types, in their own module so the parts the library is composed
// of (evaluation, event subscription, queries) can name them without importing the library.

/**
 * The part of core's `EventBus` scorecards need: they subscribe to
 * `catalog.entity.upserted` and `catalog.entity.deleted`.
 *
 * @example
 * ```ts
 * const events: ScorecardEventSource = createEventBus();
 * ```
 */
export type ScorecardEventSource = Pick<EventBus<Record<string, unknown>>, 'subscribe'>;

/**
 * Options of {@link createScorecards}.
 *
 * @example
 * ```ts
 * const options: ScorecardsOptions = { catalog, scorecards: [readiness], events, store: pgliteScorecardStore({ dataDir: './.scores' }) };
 * ```
 */
export interface ScorecardsOptions {
  catalog: ScorecardCatalog;
  /** Scorecards defined in code (`defineScorecard`). */
  scorecards?: readonly Scorecard[];
  /**
   * Checks `kind: Scorecard` entities may name, by id. Default `builtinChecks()`; the checks of
   * code scorecards are always known too.
   */
  checks?: readonly Check[];
  /**
   * Also rate against the catalog's `kind: Scorecard` entities, those from `trustedLocations`.
   * Default true.
   */
  catalogScorecards?: boolean;
  /**
   * Catalog locations trusted to declare `kind: Scorecard` entities (Backstage's catalog rules,
   * for this one kind). Default none: a Scorecard entity from anywhere else is not used, and is
   * listed in `listScorecards().problems` with a warning in the log. A catalog scorecard is
   * identified by its full ref (`scorecard:<namespace>/<name>`), so it never replaces a
   * scorecard of another namespace or one defined in code.
   */
  trustedLocations?: readonly ScorecardLocationRule[];
  /** Where results and history go; default `memoryScorecardStore()`. */
  store?: ScorecardStore;
  /** The catalog's event bus; when given (here or to `start`), changes are evaluated incrementally. */
  events?: ScorecardEventSource;
  logger?: Logger;
  /** Clock of `evaluatedAt`; default `() => new Date()`. */
  now?: () => Date;
  /** Run a full `evaluate()` in `start()`. Default true. */
  evaluateOnStart?: boolean;
  /**
   * Identity, policy and audit for `forPrincipal` and the HTTP API; default the portal's (`start`
   * context), else anonymous and allow-all.
   */
  auth?: PortalAuth;
}

/**
 * A scorecard as listed by the API: its levels and checks without the check code.
 *
 * @example
 * ```ts
 * const { scorecards } = await service.listScorecards();
 * scorecards[0]!.levels.map((l) => l.id); // ['bronze', 'silver', 'gold']
 * ```
 */
export interface ScorecardInfo {
  id: string;
  title: string;
  description?: string;
  entityRef?: string;
  appliesTo?: Scorecard['appliesTo'];
  levels: { id: string; title: string; checks: { id: string; title: string; description?: string; weight: number }[] }[];
}

/**
 * A `kind: Scorecard` entity that could not be used (e.g. it names an unknown check).
 *
 * @example
 * ```ts
 * const { problems } = await service.listScorecards();
 * for (const p of problems) console.warn(`${p.entityRef}: ${p.message}`);
 * ```
 */
export interface ScorecardProblem {
  entityRef: string;
  message: string;
}

/**
 * What an evaluation did: how many results it computed and removed, and for which entities.
 *
 * @example
 * ```ts
 * const { evaluated, entityRefs } = await service.evaluate({ entityRef: 'component:default/a' });
 * ```
 */
export interface EvaluationSummary {
  /** Results computed (one per scorecard and entity). */
  evaluated: number;
  /** Results dropped: entity deleted, or no longer in a scorecard's scope. */
  removed: number;
  /** Entities evaluated, sorted. */
  entityRefs: string[];
  /** Results the store refused, with the reason; present only when there were any. */
  rejected?: { scorecardId: string; entityRef: string; message: string }[];
}

/**
 * One scorecard across the catalog: entities per level and the worst offenders.
 *
 * @example
 * ```ts
 * const { levels, worst } = await service.getScorecardSummary('production-readiness', { worst: 5 });
 * ```
 */
export interface ScorecardSummary {
  scorecard: ScorecardInfo;
  /** Entities rated. */
  total: number;
  /** Entities whose highest level is this one, in level order. */
  levels: { id: string; title: string; count: number }[];
  /** Entities below the first level. */
  belowFirstLevel: number;
  averagePercentage: number;
  /** Lowest level, then lowest percentage first. */
  worst: ScorecardResult[];
}

/**
 * The scorecards library without its HTTP layer; what the HTTP handler needs.
 *
 * @example
 * ```ts
 * await service.start();
 * const { latest, history } = await service.getEntityResults('component:default/payments');
 * ```
 */
export interface ScorecardsLibrary {
  listScorecards(): Promise<{ scorecards: ScorecardInfo[]; problems: ScorecardProblem[] }>;
  /**
   * Evaluate now: everything, one entity, and/or one scorecard. Stale results are dropped. Called
   * directly it is the trusted host's request, audited as `scorecards.evaluate` by the host.
   */
  evaluate(options?: { entityRef?: string; scorecardId?: string }): Promise<EvaluationSummary>;
  /**
   * Re-evaluate what a set of catalog changes can affect: the changed entities themselves and
   * the results that read them. Catalog events arrive here on their own once subscribed.
   */
  applyChanges(changes: { upserted?: readonly Entity[]; deleted?: readonly string[] }): Promise<EvaluationSummary>;
  /** Resolves once the changes received as events so far are evaluated and stored. */
  idle(): Promise<void>;
  getEntityResults(entityRef: string, options?: { historyLimit?: number }): Promise<{ entityRef: string; latest: ScorecardResult[]; history: ScorecardHistoryEntry[] }>;
  getScorecardSummary(scorecardId: string, options?: { worst?: number }): Promise<ScorecardSummary>;
  /** Results of the entities a group (or user) owns. */
  getOwnerResults(ownerRef: string): Promise<{ ownerRef: string; results: ScorecardResult[] }>;
  /**
   * The scorecards as `principal` may see them: every read needs `scorecards.read`; results only
   * of entities (and owners) it may read (`catalog.entity.read`; others are not found, and
   * summaries and owner lists count only readable ones), with the check outcomes computed from
   * entities it may not read withheld (status `unknown`, `WITHHELD_CHECK_MESSAGE`, level and
   * percentage from the other checks), nothing of a catalog scorecard whose entity it may not
   * read; evaluation with `scorecards.manage`, audited with the id of `options.request` when given.
   */
  forPrincipal(principal: Principal, options?: { request?: Request }): PrincipalScorecards;
  /** The auth in use: `options.auth`, else the start context's, else anonymous and allow-all. */
  auth(): PortalAuth;
  /** Subscribe to catalog events (options', else `context`'s), then evaluate unless disabled. */
  start(context?: { events?: ScorecardEventSource; logger?: Logger; auth?: PortalAuth }): Promise<void>;
  /** Unsubscribe, let queued evaluations finish, close the store. */
  stop(): Promise<void>;
}

/**
 * What a principal may do with scorecards (see `ScorecardsLibrary.forPrincipal`).
 *
 * @example
 * ```ts
 * const { latest } = await scorecards.forPrincipal(principal).getEntityResults('component:default/payments');
 * ```
 */
export type PrincipalScorecards = Pick<
  ScorecardsLibrary,
  'listScorecards' | 'getScorecardSummary' | 'getEntityResults' | 'getOwnerResults' | 'evaluate'
>;

/**
 * Scorecards over a catalog, as returned by {@link createScorecards}: the library plus its HTTP API.
 *
 * @example
 * ```ts
 * await service.start();
 * const { latest, history } = await service.getEntityResults('component:default/payments');
 * ```
 */
export interface Scorecards extends ScorecardsLibrary {
  /** The HTTP API (see the guide): `GET <basePath>/scorecards`, `/scorecards/:id`, `/scorecards/:namespace/:name`, `/entities/:kind/:namespace/:name`, `/owners/:kind/:namespace/:name`, `POST <basePath>/evaluate`. */
  handler(options?: { basePath?: string }): Handler;
}
