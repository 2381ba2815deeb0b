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
      // Make sure every key has a row (in key order, so concurrent claimers never deadlock),
      // then take the free ones, skipping rows another worker is claiming right now.
      await client.query(
        `INSERT INTO ${s}.processing_leases (key, owner, expires_at)
         SELECT k, NULL, '-infinity' FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT (key) DO NOTHING`,
        [unique],
      );
      const { rows } = await client.query<{ key: string }>(
        `UPDATE ${s}.processing_leases l SET owner = $2, expires_at = now() + $3 * interval '1 millisecond'
         WHERE l.key IN (
           SELECT key FROM ${s}.processing_leases
           WHERE key = ANY($1::text[]) AND (expires_at <= now() OR owner = $2)
           ORDER BY key FOR UPDATE SKIP LOCKED)
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
