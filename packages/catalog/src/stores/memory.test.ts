import { describe, expect, it } from 'vitest';
import { memoryStore } from './memory.js';
import { runStoreContract } from './contract.js';

runStoreContract({ name: 'memory', create: async () => ({ store: memoryStore() }) });

describe('memoryStore', () => {
  it('runs transactions one at a time', async () => {
    const store = memoryStore();
    const order: string[] = [];
    await Promise.all([
      store.transaction(async () => {
        await new Promise((r) => setTimeout(r, 20));
        order.push('first');
      }),
      store.transaction(async () => {
        order.push('second');
      }),
    ]);
    expect(order).toEqual(['first', 'second']);
  });

  it('rejects writes after the transaction ended', async () => {
    const store = memoryStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.deleteLocation('x')).rejects.toThrow(/after the transaction ended/);
  });
});
