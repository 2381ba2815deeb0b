// Through the published entry point, as a store author would.
import { runScorecardStoreContract } from '@portalkit/scorecards/testing';
import { memoryScorecardStore } from './memory.js';

runScorecardStoreContract({ name: 'memory', create: async () => ({ store: memoryScorecardStore() }) });
