import { assertLookupKeys } from '../../query/query-text.js';
import type { RefreshState, RefreshStateSelector, StoredRelation } from '../types.js';
import type { SqlClient } from '@portalkit/sql';
import { createParams } from './entity-query.js';
import { refreshKeyHashes } from './migrations.js';
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

/** The refresh states matching any part of the selector. */
export async function getRefreshStates(s: string, read: SqlRead, selector: RefreshStateSelector): Promise<RefreshState[]> {
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
  if (or.length === 0) return [];
  const rows = await read<StateRow>(
    `SELECT entity_ref, root_key, location_key, parent_refs, unprocessed, processed, errors, relations, refresh_keys, hash
     FROM ${s}.refresh_state WHERE ${or.join(' OR ')}`,
    params.values,
  );
  return rows.map(toState);
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

/** One chunk of a putRefreshStates batch (distinct refs). */
export async function putStates(tx: SqlClient, s: string, rows: readonly RefreshState[]): Promise<void> {
  const refs = rows.map((r) => r.entityRef);
  await tx.query(`DELETE FROM ${s}.relations WHERE originating_ref = ANY($1::text[])`, [refs]);
  await tx.query(
    `INSERT INTO ${s}.refresh_state
       (entity_ref, root_key, location_key, parent_refs, unprocessed, processed, errors, relations, refresh_keys, refresh_key_hashes, hash)
     SELECT v.ref, v.root, v.loc, v.parents, v.unprocessed, v.processed, v.errors, v.relations, v.keys, ${refreshKeyHashes('v.keys')}, v.hash
     FROM (
       SELECT u.ref, u.root, u.loc, ARRAY(SELECT json_array_elements_text(u.parents::json)) AS parents, u.unprocessed::json AS unprocessed,
              u.processed::json AS processed, u.errors::json AS errors, u.relations::json AS relations,
              ARRAY(SELECT json_array_elements_text(u.keys::json)) AS keys, u.hash
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS u(ref, root, loc, parents, unprocessed, processed, errors, relations, keys, hash)
     ) AS v
     ON CONFLICT (entity_ref) DO UPDATE SET
       root_key = EXCLUDED.root_key, location_key = EXCLUDED.location_key, parent_refs = EXCLUDED.parent_refs,
       unprocessed = EXCLUDED.unprocessed, processed = EXCLUDED.processed, errors = EXCLUDED.errors,
       relations = EXCLUDED.relations, refresh_keys = EXCLUDED.refresh_keys,
       refresh_key_hashes = EXCLUDED.refresh_key_hashes, hash = EXCLUDED.hash`,
    [
      refs,
      rows.map((r) => r.rootKey ?? null),
      rows.map((r) => r.locationKey ?? null),
      rows.map((r) => json(r.parentRefs)),
      rows.map((r) => json(r.unprocessed)),
      rows.map((r) => (r.processed === undefined ? null : json(r.processed))),
      rows.map((r) => json(r.errors)),
      rows.map((r) => json(r.relations)),
      rows.map((r) => json(r.refreshKeys)),
      rows.map((r) => r.hash),
    ],
  );
  const rel = rows.flatMap((r) => r.relations.map((x) => [r.entityRef, x.sourceRef, x.type, x.targetRef] as const));
  if (rel.length) {
    await tx.query(
      `INSERT INTO ${s}.relations (originating_ref, source_ref, type, target_ref)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [rel.map((r) => r[0]), rel.map((r) => r[1]), rel.map((r) => r[2]), rel.map((r) => r[3])],
    );
  }
}

/** Deletes the refresh states of `refs` and the relations they emitted. */
export async function deleteRefreshStates(tx: SqlClient, s: string, refs: readonly string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(`DELETE FROM ${s}.relations WHERE originating_ref = ANY($1::text[])`, [[...refs]]);
  await tx.query(`DELETE FROM ${s}.refresh_state WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
}
