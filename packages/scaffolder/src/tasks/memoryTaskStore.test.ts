import { runTaskStoreContract } from './contract.js';
import { memoryTaskStore } from './memoryTaskStore.js';

runTaskStoreContract({ name: 'memory', create: async () => ({ store: memoryTaskStore() }) });
