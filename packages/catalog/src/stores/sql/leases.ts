import type { ProcessingLeases } from '../types.js';
import type { SqlClient } from '@portalkit/sql';

/** What {@link createSqlProcessingLeases} runs on. */
export interface SqlLeasesOptions {
  client: SqlClient;
  /** The schema, quoted. */
  s: string;
  ready: () => Promise<void>;
  /** The store-wide cross-process lock (PostgreSQL session advisory lock). */
  lock: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * Processing leases in the `processing_leases` table, so several workers on one database share
 * the processing of entities; commits are serialised by the cross-process lock.
 */
export function createSqlProcessingLeases({ client, s, ready, lock }: SqlLeasesOptions): ProcessingLeases {
  return {
    async claim(keys, workerId, leaseMs) {
      const unique = [...new Set(keys)].sort();
      if (unique.length === 0) return [];
      await ready();
      // One statement: insert the keys nobody holds yet, take over expired or own ones. Keys go
      // in key order, so concurrent claimers lock rows in the same order and never deadlock; a
      // row another claimer is taking right now is waited for (one short statement) and then
      // judged by its new owner. Inserting the owner directly writes one row version per new
      // key instead of an insert and an update (a refresh leases every entity it processes).
      const { rows } = await client.query<{ key: string }>(
        `INSERT INTO ${s}.processing_leases AS l (key, owner, expires_at)
         SELECT k, $2, now() + $3 * interval '1 millisecond' FROM unnest($1::text[]) AS k ORDER BY k
         ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE l.expires_at <= now() OR l.owner = EXCLUDED.owner
         RETURNING l.key`,
        [unique, workerId, Math.max(1, Math.floor(leaseMs))],
      );
      return rows.map((r) => r.key).sort();
    },
    async release(keys, workerId) {
      if (keys.length === 0) return;
      await ready();
      await client.query(`DELETE FROM ${s}.processing_leases WHERE key = ANY($1::text[]) AND owner = $2`, [[...keys], workerId]);
    },
    async withCommitLock(fn) {
      await ready();
      return lock(fn);
    },
  };
}
