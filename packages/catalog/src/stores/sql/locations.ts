import { assertLocationText, assertQueryText } from '../../query/query-text.js';
import type { StoredLocation } from '../types.js';
import type { SqlClient } from '@portalkit/sql';
import type { SqlRead } from './read.js';

/** Every registered location, oldest first. */
export async function listLocations(s: string, read: SqlRead): Promise<StoredLocation[]> {
  const rows = await read<{ id: string; type: string; target: string; created_at: string }>(
    `SELECT id, type, target, created_at FROM ${s}.locations ORDER BY created_at, id`,
  );
  return rows.map((r): StoredLocation => ({ id: r.id, type: r.type, target: r.target, createdAt: r.created_at }));
}

/** Registers a location, or updates the one with its id. */
export async function putLocation(tx: SqlClient, s: string, location: StoredLocation): Promise<void> {
  assertLocationText(location);
  // A (type, target) already registered under another id stays as it is: several
  // workers starting with the same configured locations register each once.
  await tx.query(
    `INSERT INTO ${s}.locations (id, type, target, created_at)
     SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ${s}.locations WHERE type = $2 AND target = $3 AND id <> $1)
     ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, target = EXCLUDED.target, created_at = EXCLUDED.created_at`,
    [location.id, location.type, location.target, location.createdAt],
  );
}

export async function deleteLocation(tx: SqlClient, s: string, id: string): Promise<void> {
  assertQueryText(id, 'location id');
  await tx.query(`DELETE FROM ${s}.locations WHERE id = $1`, [id]);
}
