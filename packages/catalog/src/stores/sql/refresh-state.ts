import { assertLookupKeys } from '../../query/query-text.js';
import type { RefreshClaim, RefreshState, RefreshStateSelector, StoredRelation } from '../types.js';
import type { SqlClient } from '@portalkit/sql';
import { createParams } from './entity-query.js';
import { refreshKeyHashes } from './migrations.js';
import { jsonChunks, jsonLineChunks, wellFormed } from './json-rows.js';
import { runPipelined, type SqlStatement } from './pipeline.js';
import { json } from './read.js';
import type { SqlRead } from './read.js';

interface StateRow {
  entity_ref: string;
  root_key: string | null;
  location_key: string | null;
  parent_refs: string[];
  unprocessed: RefreshState['unprocessed'];
  processed: RefreshState['processed'] | null;
  errors: RefreshState['errors'];
  relations: RefreshState['relations'];
  refresh_keys: string[];
  hash: string;
}

function toState(row: StateRow): RefreshState {
  return {
    entityRef: row.entity_ref,
    ...(row.root_key !== null ? { rootKey: row.root_key } : {}),
    ...(row.location_key !== null ? { locationKey: row.location_key } : {}),
    parentRefs: row.parent_refs,
    unprocessed: row.unprocessed,
    ...(row.processed !== null ? { processed: row.processed } : {}),
    errors: row.errors,
    relations: row.relations,
    refreshKeys: row.refresh_keys,
    hash: row.hash,
  };
}

/** The WHERE clause of a selector (rows matching any part), or `undefined` when it matches nothing. */
function selectorWhere(selector: RefreshStateSelector): { where: string; values: unknown[] } | undefined {
  assertLookupKeys(selector);
  const params = createParams();
  const or: string[] = [];
  if (selector.all) or.push('TRUE');
  else {
    if (selector.refs?.length) or.push(`entity_ref = ANY(${params.add([...selector.refs])}::text[])`);
    if (selector.parentRefs?.length) or.push(`parent_refs && ${params.add([...selector.parentRefs])}::text[]`);
    if (selector.rootKeys?.length) or.push(`root_key = ANY(${params.add([...selector.rootKeys])}::text[])`);
    if (selector.refreshKeys?.length) {
      // The GIN index holds the keys' hashes (a key may be longer than an index entry).
      const keys = `${params.add([...selector.refreshKeys])}::text[]`;
      or.push(`(refresh_key_hashes && ${refreshKeyHashes(keys)} AND refresh_keys && ${keys})`);
    }
  }
  return or.length ? { where: or.join(' OR '), values: params.values } : undefined;
}

/** The refresh states matching any part of the selector. */
export async function getRefreshStates(s: string, read: SqlRead, selector: RefreshStateSelector): Promise<RefreshState[]> {
  const match = selectorWhere(selector);
  if (!match) return [];
  const rows = await read<StateRow>(
    `SELECT entity_ref, root_key, location_key, parent_refs, unprocessed, processed, errors, relations, refresh_keys, hash
     FROM ${s}.refresh_state WHERE ${match.where}`,
    match.values,
  );
  return rows.map(toState);
}

/** The claims of the refresh states matching any part of the selector: no JSON column is read. */
export async function getRefreshClaims(s: string, read: SqlRead, selector: RefreshStateSelector): Promise<RefreshClaim[]> {
  const match = selectorWhere(selector);
  if (!match) return [];
  const rows = await read<Pick<StateRow, 'entity_ref' | 'root_key' | 'location_key' | 'parent_refs'>>(
    `SELECT entity_ref, root_key, location_key, parent_refs FROM ${s}.refresh_state WHERE ${match.where}`,
    match.values,
  );
  return rows.map((row) => ({
    entityRef: row.entity_ref,
    ...(row.root_key !== null ? { rootKey: row.root_key } : {}),
    ...(row.location_key !== null ? { locationKey: row.location_key } : {}),
    parentRefs: row.parent_refs,
  }));
}

/** The relations emitted from the given source refs. */
export async function getRelations(s: string, read: SqlRead, { sourceRefs }: { sourceRefs: readonly string[] }): Promise<StoredRelation[]> {
  assertLookupKeys({ sourceRefs });
  if (sourceRefs.length === 0) return [];
  const rows = await read<{ originating_ref: string; source_ref: string; type: string; target_ref: string }>(
    `SELECT originating_ref, source_ref, type, target_ref FROM ${s}.relations WHERE source_ref = ANY($1::text[])
     ORDER BY source_ref, originating_ref, type, target_ref`,
    [[...new Set(sourceRefs)]],
  );
  return rows.map((r): StoredRelation => ({ originatingRef: r.originating_ref, sourceRef: r.source_ref, type: r.type, targetRef: r.target_ref }));
}

// Refs per DELETE of replaced relations.
const deleteChunk = 5_000;

/**
 * A putRefreshStates batch (distinct refs), set-based: the relations the rows originated are
 * deleted per 5,000 refs, then rows and relations are inserted per JSON chunk (see
 * {@link jsonChunks}), each chunk built while the server runs the one before
 * ({@link runPipelined}); `text[]` columns come straight from JSON arrays.
 */
export async function putStates(tx: SqlClient, s: string, rows: readonly RefreshState[]): Promise<void> {
  function* statements(): Generator<SqlStatement> {
    for (let i = 0; i < rows.length; i += deleteChunk) {
      yield { text: `DELETE FROM ${s}.relations WHERE originating_ref = ANY($1::text[])`, params: [rows.slice(i, i + deleteChunk).map((r) => r.entityRef)] };
    }
    // Undefined fields are left out of the JSON, so they arrive as NULL.
    const chunks = jsonLineChunks(rows, 4, (r) => ({
      fields: {
        r: r.entityRef,
        root: r.rootKey === undefined ? undefined : wellFormed(r.rootKey),
        loc: r.locationKey === undefined ? undefined : wellFormed(r.locationKey),
        p: r.parentRefs,
        k: r.refreshKeys,
        h: wellFormed(r.hash),
      },
      docs: [json(r.unprocessed), r.processed === undefined ? undefined : json(r.processed), json(r.errors), json(r.relations)],
    }));
    for (const chunk of chunks) {
      yield {
        text: `INSERT INTO ${s}.refresh_state
                 (entity_ref, root_key, location_key, parent_refs, unprocessed, processed, errors, relations, refresh_keys, refresh_key_hashes, hash)
               SELECT x.r, x.root, x.loc, x.p, x.u::json, NULLIF(x.pr, '')::json, x.e::json, x.rel::json, x.k, ${refreshKeyHashes('x.k')}, x.h
               FROM ROWS FROM (
                 json_to_recordset($1::json) AS (r text, root text, loc text, p text[], k text[], h text),
                 unnest(string_to_array($2, E'\\n')), unnest(string_to_array($3, E'\\n')),
                 unnest(string_to_array($4, E'\\n')), unnest(string_to_array($5, E'\\n'))
               ) AS x(r, root, loc, p, k, h, u, pr, e, rel)
               ON CONFLICT (entity_ref) DO UPDATE SET
                 root_key = EXCLUDED.root_key, location_key = EXCLUDED.location_key, parent_refs = EXCLUDED.parent_refs,
                 unprocessed = EXCLUDED.unprocessed, processed = EXCLUDED.processed, errors = EXCLUDED.errors,
                 relations = EXCLUDED.relations, refresh_keys = EXCLUDED.refresh_keys,
                 refresh_key_hashes = EXCLUDED.refresh_key_hashes, hash = EXCLUDED.hash`,
        params: [chunk.json, ...chunk.lines],
      };
    }
    const relations = rows.flatMap((r) => r.relations.map((x) => ({ o: r.entityRef, s: x.sourceRef, t: x.type, g: x.targetRef })));
    for (const chunk of jsonChunks(relations)) {
      yield {
        text: `INSERT INTO ${s}.relations (originating_ref, source_ref, type, target_ref)
               SELECT x.o, x.s, x.t, x.g FROM json_to_recordset($1::json) AS x(o text, s text, t text, g text)`,
        params: [chunk.json],
      };
    }
  }
  await runPipelined(tx, statements());
}

/** Deletes the refresh states of `refs` and the relations they emitted. */
export async function deleteRefreshStates(tx: SqlClient, s: string, refs: readonly string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(`DELETE FROM ${s}.relations WHERE originating_ref = ANY($1::text[])`, [[...refs]]);
  await tx.query(`DELETE FROM ${s}.refresh_state WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
}
