/*
 * Test helpers for store implementers: `import { runStoreContract } from '@portalkit/catalog/testing'`.
 * Kept out of the main entry because it needs vitest.
 */
export { runStoreContract } from '../stores/contract.js';
export type { StoreContractOptions } from '../stores/contract.js';
export { generateCatalogEntities } from './generate.js';
export { toYaml } from './generate.js';
