/*
 * Test helpers for search engine implementers: `import { runEngineContract } from '@portalkit/search/testing'`.
 * Kept out of the main entry because it needs vitest.
 */
export { runEngineContract } from '../engines/contract.js';
export type { EngineContractOptions } from '../engines/contract.js';
