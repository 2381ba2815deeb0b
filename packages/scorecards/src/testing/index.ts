/*
 * Test helpers for scorecard store implementers: `import { runScorecardStoreContract } from '@portalkit/scorecards/testing'`.
 * Kept out of the main entry because it needs vitest.
 */
export { runScorecardStoreContract } from '../stores/contract.js';
export type { ScorecardStoreContractOptions } from '../stores/contract.js';
