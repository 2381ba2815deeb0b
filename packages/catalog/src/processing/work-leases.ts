import type { ProcessingLeases } from '../stores/types.js';
import type { EntityGuard } from './engine.js';

/** Options of {@link createWorkLeases}. */
export interface WorkLeasesOptions {
  leases: ProcessingLeases;
  /** Identifies this catalog instance among the workers sharing the store. */
  workerId: string;
  /**
   * How long a lease lasts without renewal; a crashed worker's work comes free after it. Held
   * leases are renewed every third of it, so work may take longer than one lease.
   */
  leaseMs: number;
  /** A refresh is cut into about this many passes (each leased and committed on its own), so several workers can split it. */
  passesPerRefresh: number;
}

/** How a catalog shares processing with other workers on one store. */
export interface WorkLeases {
  /**
   * Run `pass` on the given roots, a few at a time, each batch leased to this worker for the
   * pass; roots another worker holds are left to it.
   */
  eachRootBatch<T extends { ref: string }>(roots: readonly T[], pass: (batch: T[]) => Promise<void>): Promise<void>;
  /** For `runPass`: process each ref only while this worker holds its lease, waiting for refs another worker is processing. */
  entities: EntityGuard;
}

const rootKey = (ref: string) => `root:${ref}`;
const entityKey = (ref: string) => `entity:${ref}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `fn` while renewing the leases on `keys`; renewal failures only shorten the lease. */
async function whileRenewing<T>(leases: ProcessingLeases, keys: string[], workerId: string, leaseMs: number, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    leases.claim(keys, workerId, leaseMs).catch(() => {});
  }, Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref?.();
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Two lease levels over a store's {@link ProcessingLeases}. Roots (registered locations,
 * provider entities) are the unit of work: a worker leases a batch, runs a pass over it and
 * commits. Entities are leased around their processing only, because two roots can emit the
 * same entity: then the second worker waits until the first is done with it instead of
 * processing it at the same time. A worker never waits while it holds an entity lease, so
 * workers cannot deadlock.
 */
export function createWorkLeases(options: WorkLeasesOptions): WorkLeases {
  const { leases, workerId, leaseMs } = options;
  return {
    async eachRootBatch(roots, pass) {
      const size = Math.max(1, Math.ceil(roots.length / options.passesPerRefresh));
      for (let i = 0; i < roots.length; i += size) {
        const batch = roots.slice(i, i + size);
        const held = new Set(await leases.claim(batch.map((r) => rootKey(r.ref)), workerId, leaseMs));
        if (held.size === 0) continue;
        try {
          await whileRenewing(leases, [...held], workerId, leaseMs, () => pass(batch.filter((r) => held.has(rootKey(r.ref)))));
        } finally {
          await leases.release([...held], workerId);
        }
      }
    },
    async entities(refs, process) {
      let pending = [...new Set(refs)];
      let wait = 5;
      while (pending.length) {
        const held = await leases.claim(pending.map(entityKey), workerId, leaseMs);
        if (held.length === 0) {
          await sleep(wait);
          wait = Math.min(wait * 2, 200);
          continue;
        }
        wait = 5;
        const mine = new Set(held.map((k) => k.slice('entity:'.length)));
        try {
          await whileRenewing(leases, held, workerId, leaseMs, () => process([...mine]));
        } finally {
          await leases.release(held, workerId);
        }
        pending = pending.filter((ref) => !mine.has(ref));
      }
    },
  };
}
