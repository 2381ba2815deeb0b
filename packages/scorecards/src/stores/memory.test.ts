import { runScorecardStoreContract } from '../testing/index.js';
import { memoryScorecardStore } from './memory.js';

runScorecardStoreContract({ name: 'memory', create: async () => ({ store: memoryScorecardStore() }) });
