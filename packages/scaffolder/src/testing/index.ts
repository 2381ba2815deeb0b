/*
 * Test helpers for task store implementers: `import { runTaskStoreContract } from '@portalkit/scaffolder/testing'`.
 * Kept out of the main entry because it needs vitest.
 */
export { runTaskStoreContract } from '../tasks/contract.js';
export type { TaskStoreContractOptions } from '../tasks/contract.js';
