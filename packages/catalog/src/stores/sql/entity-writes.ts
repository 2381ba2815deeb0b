import { buildEntitySearch } from '../../query/search.js';
import type { FinalEntityRow } from '../types.js';
import type { SqlClient } from '@portalkit/sql';
import { json } from './read.js';

/** The rows of a putEntities batch as if written one by one: later rows replace earlier ones with the same ref or uid. */
export function latestEntities(input: readonly FinalEntityRow[]): FinalEntityRow[] {
  const byRef = new Map<string, FinalEntityRow>();
  const refByUid = new Map<string, string>();
  for (const row of input) {
    const old = byRef.get(row.entityRef);
    if (old) refByUid.delete(old.uid);
    const holder = refByUid.get(row.uid);
    if (holder !== undefined) byRef.delete(holder);
    byRef.set(row.entityRef, row);
    refByUid.set(row.uid, row.entityRef);
  }
  return [...byRef.values()];
}

/**
 * One chunk of a putEntities batch (distinct refs and uids): the final entities and their search
 * rows. Returns how many search rows it wrote (the store analyzes after a bulk load).
 */
export async function putFinals(tx: SqlClient, s: string, rows: readonly FinalEntityRow[]): Promise<number> {
  const refs = rows.map((r) => r.entityRef);
  const uids = rows.map((r) => r.uid);
  await tx.query(
    `DELETE FROM ${s}.search WHERE entity_ref IN (
       SELECT entity_ref FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[]) OR uid = ANY($2::text[])
       UNION ALL SELECT unnest($1::text[]))`,
    [refs, uids],
  );
  await tx.query(`DELETE FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[]) OR uid = ANY($2::text[])`, [refs, uids]);
  await tx.query(
    `INSERT INTO ${s}.final_entities (entity_ref, uid, etag, entity)
     SELECT u.ref, u.uid, u.etag, u.entity::json FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(ref, uid, etag, entity)`,
    [refs, uids, rows.map((r) => r.etag), rows.map((r) => json(r.entity))],
  );
  const sRef: string[] = [];
  const sKey: string[] = [];
  const sValue: (string | null)[] = [];
  const sOriginal: (string | null)[] = [];
  for (const row of rows) {
    for (const r of buildEntitySearch(row.entity)) {
      sRef.push(row.entityRef);
      sKey.push(r.key);
      sValue.push(r.value);
      sOriginal.push(r.original);
    }
  }
  if (sRef.length) {
    await tx.query(
      `INSERT INTO ${s}.search (entity_ref, key, value, original) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [sRef, sKey, sValue, sOriginal],
    );
  }
  return sRef.length;
}

/** Deletes the final entities of `refs` and their search rows. */
export async function deleteEntities(tx: SqlClient, s: string, refs: readonly string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(`DELETE FROM ${s}.search WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
  await tx.query(`DELETE FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
}
