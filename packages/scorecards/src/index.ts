/*
 * @portalkit/scorecards: which entities meet a platform's standards. Checks as code, scorecards
 * (in code or as `kind: Scorecard` catalog entities) with levels and weights, incremental
 * evaluation on catalog changes, results with history in memory, PGlite or PostgreSQL, and an
 * HTTP API.
 */
export { createCheck } from './check.js';
export type { CreateCheckOptions } from './check.js';
export { MAX_SCORECARD_WEIGHT, defineScorecard } from './scorecard.js';
export type { DefineScorecardOptions } from './scorecard.js';
export { SCORECARD_API_VERSION, scorecardFromEntity, scorecardKind, scorecardProcessor, scorecardSpecSchema } from './kind.js';
export type { ScorecardEntity } from './kind.js';
export {
  apiHasDefinition,
  builtinChecks,
  dependenciesInProduction,
  hasDescription,
  hasLinks,
  hasOwner,
  hasSystem,
  hasTags,
  hasTechDocs,
  ownerHasMembers,
} from './checks/index.js';
export { createScorecards } from './create-scorecards.js';
export type {
  EvaluationSummary,
  PrincipalScorecards,
  ScorecardEventSource,
  ScorecardInfo,
  ScorecardProblem,
  ScorecardSummary,
  Scorecards,
  ScorecardsLibrary,
  ScorecardsOptions,
} from './library-types.js';
export type { ScorecardCatalog } from './evaluator.js';
export type { ScorecardLocationRule } from './trust.js';
export { findScorecard, shortScorecardId } from './scorecard-id.js';
export { checkScorecards } from './check-scorecards.js';
export type { BelowRequiredLevel, CheckScorecardsOptions, CheckScorecardsResult } from './check-scorecards.js';
export { scorecardsPlugin } from './plugin.js';
export { scorecardsManagePermission, scorecardsPermissions, scorecardsReadPermission } from './permissions.js';
export type { ScorecardsPluginOptions } from './plugin.js';
export { WITHHELD_CHECK_MESSAGE } from './withheld.js';
export { memoryScorecardStore } from './stores/memory.js';
export { pgliteScorecardStore } from './stores/pglite.js';
export type { PgliteScorecardStoreOptions } from './stores/pglite.js';
export { postgresScorecardStore } from './stores/postgres.js';
export type { PostgresScorecardStoreOptions } from './stores/postgres.js';
export type {
  Check,
  CheckContext,
  CheckOutcome,
  CheckResult,
  Scorecard,
  ScorecardCheck,
  ScorecardHistoryEntry,
  ScorecardLevel,
  ScorecardResult,
  ScorecardResultQuery,
  ScorecardStore,
  ScorecardWrite,
  ScorecardWriteRejection,
  ScorecardWriteReport,
} from './types.js';
