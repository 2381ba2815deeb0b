import { describe, expect, it } from 'vitest';
import type { ProcessingLeases } from '../stores/types.js';
import { createWorkLeases } from './work-leases.js';

/** Leases with real expiry, like the PostgreSQL store's, kept in a map. */
function memoryLeases(): ProcessingLeases {
  const held = new Map<string, { owner: string; expiresAt: number }>();
  return {
    async claim(keys, workerId, leaseMs) {
      const now = Date.now();
      const got: string[] = [];
      for (const key of keys) {
        const lease = held.get(key);
        if (!lease || lease.expiresAt <= now || lease.owner === workerId) {
          held.set(key, { owner: workerId, expiresAt: now + leaseMs });
          got.push(key);
        }
      }
      return got;
    },
    async release(keys, workerId) {
      for (const key of keys) if (held.get(key)?.owner === workerId) held.delete(key);
    },
    withCommitLock: (fn) => fn(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createWorkLeases', () => {
  it('renews a root lease while its pass runs longer than the lease', async () => {
    const leases = memoryLeases();
    const a = createWorkLeases({ leases, workerId: 'a', leaseMs: 60, passesPerRefresh: 1 });
    const b = createWorkLeases({ leases, workerId: 'b', leaseMs: 60, passesPerRefresh: 1 });
    const ranByB: string[] = [];
    await a.eachRootBatch([{ ref: 'location:default/x' }], async () => {
      // Three lease lengths in: without renewal, b would take the root here.
      await sleep(180);
      await b.eachRootBatch([{ ref: 'location:default/x' }], async (batch) => {
        ranByB.push(...batch.map((r) => r.ref));
      });
    });
    expect(ranByB).toEqual([]);
    // Released after the pass: b gets it now.
    await b.eachRootBatch([{ ref: 'location:default/x' }], async (batch) => {
      ranByB.push(...batch.map((r) => r.ref));
    });
    expect(ranByB).toEqual(['location:default/x']);
  });

  it('frees a crashed worker’s share once its lease runs out, and not before', async () => {
    const leases = memoryLeases();
    // A worker that claimed and died: nobody renews or releases.
    await leases.claim(['root:location:default/x'], 'dead', 80);
    const b = createWorkLeases({ leases, workerId: 'b', leaseMs: 1000, passesPerRefresh: 1 });
    const ran: string[] = [];
    const pass = async (batch: { ref: string }[]) => {
      ran.push(...batch.map((r) => r.ref));
    };
    await b.eachRootBatch([{ ref: 'location:default/x' }], pass);
    expect(ran).toEqual([]);
    await sleep(100);
    await b.eachRootBatch([{ ref: 'location:default/x' }], pass);
    expect(ran).toEqual(['location:default/x']);
  });

  it('waits for an entity another worker is processing, then processes it', async () => {
    const leases = memoryLeases();
    const a = createWorkLeases({ leases, workerId: 'a', leaseMs: 50, passesPerRefresh: 1 });
    const b = createWorkLeases({ leases, workerId: 'b', leaseMs: 50, passesPerRefresh: 1 });
    const log: string[] = [];
    await Promise.all([
      a.entities(['component:default/e'], async () => {
        log.push('a:start');
        await sleep(150); // longer than a lease: renewal keeps b out
        log.push('a:end');
      }),
      sleep(10).then(() =>
        b.entities(['component:default/e'], async () => {
          log.push('b:start');
        }),
      ),
    ]);
    expect(log).toEqual(['a:start', 'a:end', 'b:start']);
  });
});
