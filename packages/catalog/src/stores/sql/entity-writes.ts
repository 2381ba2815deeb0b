import { buildEntitySearch } from '../../query/search.js';
import type { FinalEntityRow } from '../types.js';
import type { SqlClient } from '@portalkit/sql';
import { jsonChunks, jsonLineChunks } from './json-rows.js';
import { runPipelined, type SqlStatement } from './pipeline.js';
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

// Refs per DELETE: arrays of short keys, cheap to send as `text[]`.
const deleteChunk = 5_000;

/** The search rows of `rows`, as `json_to_recordset` objects. */
function* searchRows(rows: readonly FinalEntityRow[]): Generator<{ r: string; k: string; v: string | null; o: string | null }> {
  for (const row of rows) {
    for (const r of buildEntitySearch(row.entity)) yield { r: row.entityRef, k: r.key, v: r.value, o: r.original };
  }
}

/**
 * A putEntities batch (distinct refs and uids): replaces the final entities and their search
 * rows, set-based: one DELETE per 5,000 refs, then one INSERT per JSON chunk of entities and of
 * search rows (see {@link jsonChunks}), each chunk built while the server runs the one before
 * ({@link runPipelined}). Returns how many search rows it wrote (the store
 * analyzes after a bulk load).
 */
export async function putFinals(tx: SqlClient, s: string, rows: readonly FinalEntityRow[]): Promise<number> {
  let written = 0;
  function* statements(): Generator<SqlStatement> {
    for (let i = 0; i < rows.length; i += deleteChunk) {
      const part = rows.slice(i, i + deleteChunk);
      const refs = part.map((r) => r.entityRef);
      const uids = part.map((r) => r.uid);
      yield {
        text: `DELETE FROM ${s}.search WHERE entity_ref IN (
                 SELECT entity_ref FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[]) OR uid = ANY($2::text[])
                 UNION ALL SELECT unnest($1::text[]))`,
        params: [refs, uids],
      };
      yield { text: `DELETE FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[]) OR uid = ANY($2::text[])`, params: [refs, uids] };
    }
    for (const chunk of jsonLineChunks(rows, 1, (r) => ({ fields: { r: r.entityRef, u: r.uid, t: r.etag }, docs: [json(r.entity)] }))) {
      yield {
        text: `INSERT INTO ${s}.final_entities (entity_ref, uid, etag, entity)
               SELECT x.r, x.u, x.t, x.e::json
               FROM ROWS FROM (json_to_recordset($1::json) AS (r text, u text, t text), unnest(string_to_array($2, E'\\n'))) AS x(r, u, t, e)`,
        params: [chunk.json, ...chunk.lines],
      };
    }
    for (const chunk of jsonChunks(searchRows(rows))) {
      written += chunk.count;
      yield {
        text: `INSERT INTO ${s}.search (entity_ref, key, value, original)
               SELECT x.r, x.k, x.v, x.o FROM json_to_recordset($1::json) AS x(r text, k text, v text, o text)`,
        params: [chunk.json],
      };
    }
  }
  await runPipelined(tx, statements());
  return written;
}

/** Deletes the final entities of `refs` and their search rows. */
export async function deleteEntities(tx: SqlClient, s: string, refs: readonly string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(`DELETE FROM ${s}.search WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
  await tx.query(`DELETE FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
}
