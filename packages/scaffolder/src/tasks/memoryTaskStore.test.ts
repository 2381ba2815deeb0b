// Through the published entry point, as a task store author would.
import { runTaskStoreContract } from '@portalkit/scaffolder/testing';
import { memoryTaskStore } from './memoryTaskStore.js';

runTaskStoreContract({ name: 'memory', create: async () => ({ store: memoryTaskStore() }) });
