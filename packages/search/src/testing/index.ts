/**
 * Test helpers for engine authors: `@portalkit/search/testing` (needs vitest).
 */
export { runEngineContract } from '../engines/contract.js';
export type { EngineContractOptions } from '../engines/contract.js';
