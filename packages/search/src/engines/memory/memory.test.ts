import { runEngineContract } from '../contract.js';
import { memoryEngine } from './index.js';

runEngineContract({ name: 'memory', create: () => memoryEngine() });
