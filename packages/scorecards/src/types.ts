import type { InputError } from '@portalkit/core';
import type { EntityFilterQuery } from '@portalkit/catalog';
import type { Entity } from '@portalkit/catalog-model';

/**
 * Outcome of one check on one entity. `warn` does not block a level and earns half the check's
 * weight towards the percentage; `fail` blocks its level and earns nothing.
 *
 * @example
 * ```ts
 * const outcome: CheckOutcome = { status: 'fail', message: 'spec.owner group:default/ghosts is not in the catalog' };
 * ```
 */
export interface CheckOutcome {
  status: 'pass' | 'fail' | 'warn';
  message: string;
}

/**
 * What a check's `evaluate` may read besides the entity. Every entity it reads through here is
 * recorded as a dependency of the result, so the result is recomputed when that entity changes.
 *
 * @example
 * ```ts
 * const owner = await ctx.getEntityByRef('group:default/team-a');
 * const { items } = await ctx.query({ filter: { kind: 'user', 'relations.memberof': 'group:default/team-a' } });
 * ```
 */
export interface CheckContext {
  /** Read an entity; the ref is recorded as a dependency whether or not it exists. */
  getEntityByRef(ref: string): Promise<Entity | undefined>;
  /**
   * Entities matching a catalog filter (all of them unless `limit` is given). The refs returned
   * are recorded, and so is the filter, so an entity that starts matching it later also
   * triggers a re-evaluation.
   */
  query(request: { filter: EntityFilterQuery; fields?: string[]; limit?: number }): Promise<{ items: Entity[] }>;
  /** Record a dependency the check found another way. */
  dependOn(ref: string): void;
}

/**
 * A check: one rule an entity meets or not, created with `createCheck`.
 *
 * @example
 * ```ts
 * const hasTitle: Check = createCheck({
 *   id: 'has-title',
 *   title: 'Has a title',
 *   evaluate: (entity) => (entity.metadata.title ? { status: 'pass', message: 'has a title' } : { status: 'fail', message: 'metadata.title is missing' }),
 * });
 * ```
 */
export interface Check {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /** Entities the check concerns; others skip it (it counts neither for nor against them). */
  readonly appliesTo?: EntityFilterQuery;
  evaluate(entity: Entity, ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome;
}

/**
 * A check placed in a scorecard level, with its weight towards the percentage.
 *
 * @example
 * ```ts
 * const entry: ScorecardCheck = { check: hasDescription(), weight: 2 };
 * ```
 */
export interface ScorecardCheck {
  check: Check;
  /** Default 1; 0 means the check gates its level but does not count towards the percentage. */
  weight: number;
}

/**
 * One level of a scorecard (e.g. bronze). An entity reaches it when all its checks and all the
 * lower levels' checks pass (or warn).
 *
 * @example
 * ```ts
 * const bronze: ScorecardLevel = { id: 'bronze', title: 'Bronze', checks: [{ check: hasOwner(), weight: 1 }] };
 * ```
 */
export interface ScorecardLevel {
  id: string;
  title: string;
  checks: ScorecardCheck[];
}

/**
 * A scorecard: ordered levels of checks, lowest first, applying to the entities that match
 * `appliesTo`. Made by `defineScorecard` in code, or from a `kind: Scorecard` catalog entity.
 *
 * @example
 * ```ts
 * const card: Scorecard = defineScorecard({ id: 'readiness', appliesTo: { kind: 'Component' }, levels: [{ id: 'bronze', checks: [hasOwner()] }] });
 * ```
 */
export interface Scorecard {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly appliesTo?: EntityFilterQuery;
  readonly levels: readonly ScorecardLevel[];
  /** Ref of the `Scorecard` entity it was read from, for catalog-defined scorecards. */
  readonly entityRef?: string;
}

/**
 * Outcome of one check inside a {@link ScorecardResult}.
 *
 * @example
 * ```ts
 * const r: CheckResult = { checkId: 'has-owner', level: 'bronze', weight: 1, status: 'pass', message: 'owned by group:default/team-a' };
 * ```
 */
export interface CheckResult extends Omit<CheckOutcome, 'status'> {
  checkId: string;
  /** Id of the level the check belongs to. */
  level: string;
  weight: number;
  /**
   * What the check returned. `unknown` is never stored: it appears only in a principal's view
   * (`forPrincipal`, the HTTP API) for an outcome withheld because the check read entities the
   * principal may not read; its message is then `WITHHELD_CHECK_MESSAGE`.
   */
  status: CheckOutcome['status'] | 'unknown';
  /**
   * Other entities this check read (sorted refs). Absent in results stored before checks recorded
   * their own; the result's `dependencies` then stand for every check of it.
   */
  dependencies?: string[];
}


/**
 * The latest evaluation of one scorecard on one entity.
 *
 * @example
 * ```ts
 * const { level, percentage, checks } = (await scorecards.getEntityResults('component:default/a')).latest[0]!;
 * ```
 */
export interface ScorecardResult {
  scorecardId: string;
  entityRef: string;
  /** The entity's owner (its `ownedBy` relation), for queries by team. */
  ownerRef?: string;
  /** ISO timestamp of the evaluation. */
  evaluatedAt: string;
  /** Id of the highest level reached; absent when not even the first is. */
  level?: string;
  /** Index of that level in the scorecard, -1 when none. */
  levelIndex: number;
  /** Weighted share of passing checks, 0-100 (rounded to 0.1). */
  percentage: number;
  checks: CheckResult[];
  /** Other entities the result was computed from (sorted refs). */
  dependencies: string[];
}

/**
 * One point in the history of a scorecard on an entity: written when the level, percentage or
 * failing checks change, so an unchanged re-evaluation does not grow the history.
 *
 * @example
 * ```ts
 * const entry: ScorecardHistoryEntry = { scorecardId: 'readiness', entityRef: 'component:default/a', timestamp: '2026-01-01T00:00:00.000Z', levelIndex: 0, level: 'bronze', percentage: 50, failingChecks: ['has-techdocs'] };
 * ```
 */
export interface ScorecardHistoryEntry {
  scorecardId: string;
  entityRef: string;
  timestamp: string;
  level?: string;
  levelIndex: number;
  percentage: number;
  /** Ids of the checks that failed (not those that warned), sorted. */
  failingChecks: string[];
}

/**
 * Which latest results to list.
 *
 * @example
 * ```ts
 * await store.latest({ scorecardId: 'readiness', ownerRef: 'group:default/team-a', order: 'worst', limit: 10 });
 * ```
 */
export interface ScorecardResultQuery {
  scorecardId?: string;
  entityRefs?: readonly string[];
  ownerRef?: string;
  /** `worst`: lowest level, then lowest percentage first. Default: by entity ref then scorecard. */
  order?: 'ref' | 'worst';
  limit?: number;
}

/**
 * A batch written to a {@link ScorecardStore}: results to store as latest (appending history
 * where the outcome changed) and results to drop (entity deleted, or no longer in scope).
 *
 * @example
 * ```ts
 * await store.write({ put: [result], remove: [{ scorecardId: 'readiness', entityRef: 'component:default/gone' }] });
 * ```
 */
export interface ScorecardWrite {
  put?: readonly ScorecardResult[];
  remove?: readonly { scorecardId: string; entityRef?: string }[];
}

/**
 * A result a {@link ScorecardStore} refused to write, with an `InputError` naming the field.
 *
 * @example
 * ```ts
 * const { rejected } = (await store.write({ put: [result] })) ?? { rejected: [] };
 * for (const r of rejected) console.warn(`${r.scorecardId} on ${r.entityRef}: ${r.error.message}`);
 * ```
 */
export interface ScorecardWriteRejection {
  scorecardId: string;
  entityRef: string;
  error: InputError;
}

/**
 * What {@link ScorecardStore.write} did not write.
 *
 * @example
 * ```ts
 * const report: ScorecardWriteReport = { rejected: [] };
 * ```
 */
export interface ScorecardWriteReport {
  rejected: ScorecardWriteRejection[];
}

/**
 * Where scorecard results and their history live. `memoryScorecardStore`,
 * `pgliteScorecardStore` and `postgresScorecardStore` implement it and pass the same contract
 * suite. Removing a result keeps its history.
 *
 * @example
 * ```ts
 * const store: ScorecardStore = memoryScorecardStore();
 * await store.write({ put: [result] });
 * const [latest] = await store.latest({ entityRefs: [result.entityRef] });
 * const history = await store.history({ entityRef: result.entityRef });
 * ```
 */
export interface ScorecardStore {
  /**
   * Apply a batch atomically; a history entry is appended for each put whose outcome changed. A
   * put no store can hold (a NaN percentage, NUL in a ref, a malformed field) is refused alone
   * and listed in `rejected`; the rest of the batch is written. (A store written before
   * rejections existed may resolve to nothing.)
   */
  write(batch: ScorecardWrite): Promise<ScorecardWriteReport | void>;
  latest(query?: ScorecardResultQuery): Promise<ScorecardResult[]>;
  /** Newest first. */
  history(query: { entityRef: string; scorecardId?: string; limit?: number }): Promise<ScorecardHistoryEntry[]>;
  close(): Promise<void>;
}
