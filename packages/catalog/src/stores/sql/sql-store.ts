import { assertFacetsQuery, assertLocationText, assertLookupKeys, assertQueryText, assertStoreQuery } from '../../query/query-text.js';
import { buildEntitySearch } from '../../query/search.js';
import type {
  CatalogStore,
  CatalogStoreTransaction,
  FinalEntityRow,
  ProcessingLeases,
  RefreshState,
  StoreEntityPage,
  StoredLocation,
  StoredRelation,
} from '../types.js';
import { createMigrationGate, quoteIdent } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import { afterSql, createParams, matchSql, orderBySql, sortJoinSql } from './entity-query.js';
import { migrate, refreshKeyHashes } from './migrations.js';

/** Options of {@link createSqlStore}. */
export interface SqlStoreOptions {
  /** Names the store in error messages (`pgliteStore`, `postgresStore`). */
  name: string;
  client: SqlClient;
  /** Schema holding the tables; validated by the caller. */
  schema: string;
  /**
   * A store-wide lock held across processes while `fn` runs (PostgreSQL session advisory lock).
   * When given, the store offers {@link ProcessingLeases} so several workers can share it.
   */
  crossProcessLock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Release the connection(s) the store owns. */
  close: () => Promise<void>;
}

/**
 * A SQL-backed {@link CatalogStore} (what `pgliteStore` and `postgresStore` return): the store
 * contract plus `ready()` and `close()`.
 *
 * @example
 * ```ts
 * const store: SqlCatalogStore = postgresStore({ connectionString: process.env.DATABASE_URL });
 * await store.ready(); // fail fast at start-up when the database is unreachable
 * // ...
 * await store.close();
 * ```
 */
export interface SqlCatalogStore extends CatalogStore {
  /** Resolves once migrations ran; rejects with their error. Every method waits for it anyway. */
  ready(): Promise<void>;
  /** Close the connections the store opened (a host-supplied pool or PGlite stays open). */
  close(): Promise<void>;
}

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

interface EntityRow {
  entity_ref: string;
  uid: string;
  etag: string;
  entity: FinalEntityRow['entity'];
}

const json = (value: unknown) => JSON.stringify(value);

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

const toFinal = (row: EntityRow): FinalEntityRow => ({ entityRef: row.entity_ref, uid: row.uid, etag: row.etag, entity: row.entity });

/** Rows of a batch with later duplicates winning, as if written one by one. */
function lastByKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const map = new Map<string, T>();
  for (const row of rows) {
    map.delete(key(row));
    map.set(key(row), row);
  }
  return [...map.values()];
}

/**
 * The {@link CatalogStore} over any {@link SqlClient}: the one implementation behind both
 * `pgliteStore` and `postgresStore`. Filters, ordering, keyset pages, totals, facets and full
 * text all run as SQL against Backstage-style `final_entities` + `search` tables; write
 * transactions are real SQL transactions, serialised per schema by an advisory lock so
 * concurrent writers (also in other processes) apply one batch at a time, like the memory store.
 */
export function createSqlStore(options: SqlStoreOptions): SqlCatalogStore {
  const { client, schema } = options;
  const s = quoteIdent(schema);
  const { ready, close: closeGate } = createMigrationGate(options.name, () => migrate(client, schema));

  async function read<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    await ready();
    return (await client.query<R>(text, params)).rows;
  }

  async function queryEntities(query: Parameters<CatalogStore['queryEntities']>[0]): Promise<StoreEntityPage> {
    // PostgreSQL rejects NUL and lone surrogates mid-statement; refuse them as every store does.
    assertStoreQuery(query);
    const order = (query.order ?? []).map((o) => ({ ...o, field: o.field.toLocaleLowerCase('en-US') }));
    const uidOrder = query.uidOrder ?? 'asc';
    const params = createParams();
    const aliases = order.map((_, i) => `s${i}`);
    const joins = order.map((o, i) => ` ${sortJoinSql(o.field, `j${i}`, s, params)}`).join('');
    const sortCols = aliases.map((a, i) => `, j${i}.v AS ${a}`).join('');
    const where = matchSql(query, s, params);
    const inner = `SELECT fe.entity_ref, fe.uid${sortCols} FROM ${s}.final_entities fe${joins}${
      where.length ? ` WHERE ${where.join(' AND ')}` : ''
    }`;
    const outerWhere = query.after
      ? ` WHERE ${afterSql(order, aliases.map((a) => `fe.${a}`), uidOrder, query.after, params)}`
      : '';
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const limit = query.limit === undefined ? undefined : Math.max(0, Math.floor(query.limit));
    const paging = `${limit !== undefined ? ` LIMIT ${params.add(limit)}` : ''}${offset ? ` OFFSET ${params.add(offset)}` : ''}`;
    // Sort only refs and keys, then fetch the few entities of the page.
    const text = `WITH page AS (
      SELECT * FROM (${inner}) fe${outerWhere}
      ORDER BY ${orderBySql(order, aliases.map((a) => `fe.${a}`), 'fe.uid', uidOrder)}${paging}
    )
    SELECT p.*, e.etag, e.entity FROM page p JOIN ${s}.final_entities e ON e.entity_ref = p.entity_ref
    ORDER BY ${orderBySql(order, aliases.map((a) => `p.${a}`), 'p.uid', uidOrder)}`;

    const countParams = createParams();
    const countWhere = matchSql(query, s, countParams);
    // Page and total run concurrently (on PostgreSQL, on two connections). Promise.all owns both
    // promises from the start: awaiting one and then the other would leave the second's
    // rejection unheard while the first is awaited, and Node ends the process on it.
    const [rows, totalItems] = await Promise.all([
      read<EntityRow & Record<string, string | null>>(text, params.values),
      query.includeTotal
        ? read<{ n: string | number }>(
            `SELECT count(*) AS n FROM ${s}.final_entities fe${countWhere.length ? ` WHERE ${countWhere.join(' AND ')}` : ''}`,
            countParams.values,
          ).then((r) => Number(r[0]?.n ?? 0))
        : undefined,
    ]);
    return {
      items: rows.map(toFinal),
      sortKeys: rows.map((r) => aliases.map((a) => r[a] ?? null)),
      ...(totalItems !== undefined ? { totalItems } : {}),
    };
  }

  async function entityFacets({ facets, filter }: Parameters<CatalogStore['entityFacets']>[0]) {
    assertFacetsQuery({ facets, ...(filter ? { filter } : {}) });
    const out: Record<string, { value: string; count: number }[]> = {};
    for (const facet of facets) out[facet] = [];
    if (facets.length === 0) return out;
    const params = createParams();
    const keys = [...new Set(facets.map((f) => f.toLocaleLowerCase('en-US')))];
    const keyParam = params.add(keys);
    const where = filter ? matchSql({ filter }, s, params) : [];
    const rows = await read<{ key: string; value: string; original: string | null; n: string | number }>(
      `SELECT f.key, f.value, min(f.original) AS original, count(DISTINCT f.entity_ref) AS n
       FROM ${s}.search f
       WHERE f.key = ANY(${keyParam}::text[]) AND f.value IS NOT NULL${
         where.length ? ` AND f.entity_ref IN (SELECT fe.entity_ref FROM ${s}.final_entities fe WHERE ${where.join(' AND ')})` : ''
       }
       GROUP BY f.key, f.value`,
      params.values,
    );
    const byKey = new Map<string, { value: string; count: number }[]>();
    for (const row of rows) {
      let list = byKey.get(row.key);
      if (!list) byKey.set(row.key, (list = []));
      list.push({ value: row.original ?? row.value, count: Number(row.n) });
    }
    for (const list of byKey.values()) {
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    }
    for (const facet of facets) out[facet] = (byKey.get(facet.toLocaleLowerCase('en-US')) ?? []).map((c) => ({ ...c }));
    return out;
  }

  // Search rows written since the planner statistics were refreshed.
  let unanalyzed = 0;
  const analyzeAfter = 20_000;

  // Rows per INSERT: keeps statement parameters (and PGlite's heap) small during bulk loads.
  const chunkSize = 5_000;

  /** One chunk of a putRefreshStates batch (distinct refs). */
  async function putStates(tx: SqlClient, rows: readonly RefreshState[]): Promise<void> {
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

  /** One chunk of a putEntities batch (distinct refs and uids). */
  async function putFinals(tx: SqlClient, rows: readonly FinalEntityRow[]): Promise<void> {
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
      unanalyzed += sRef.length;
      await tx.query(
        `INSERT INTO ${s}.search (entity_ref, key, value, original) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
        [sRef, sKey, sValue, sOriginal],
      );
    }
  }

  function writer(tx: SqlClient, isOpen: () => boolean): CatalogStoreTransaction {
    const guard = (method: string) => {
      if (!isOpen()) throw new Error(`${options.name}: ${method}() called after the transaction ended`);
    };
    return {
      async putLocation(location) {
        guard('putLocation');
        assertLocationText(location);
        // A (type, target) already registered under another id stays as it is: several
        // workers starting with the same configured locations register each once.
        await tx.query(
          `INSERT INTO ${s}.locations (id, type, target, created_at)
           SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ${s}.locations WHERE type = $2 AND target = $3 AND id <> $1)
           ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, target = EXCLUDED.target, created_at = EXCLUDED.created_at`,
          [location.id, location.type, location.target, location.createdAt],
        );
      },
      async deleteLocation(id) {
        guard('deleteLocation');
        assertQueryText(id, 'location id');
        await tx.query(`DELETE FROM ${s}.locations WHERE id = $1`, [id]);
      },
      async putRefreshStates(input) {
        guard('putRefreshStates');
        const all = lastByKey(input, (r) => r.entityRef);
        for (let i = 0; i < all.length; i += chunkSize) await putStates(tx, all.slice(i, i + chunkSize));
      },
      async deleteRefreshStates(refs) {
        guard('deleteRefreshStates');
        if (refs.length === 0) return;
        await tx.query(`DELETE FROM ${s}.relations WHERE originating_ref = ANY($1::text[])`, [[...refs]]);
        await tx.query(`DELETE FROM ${s}.refresh_state WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
      },
      async putEntities(input) {
        guard('putEntities');
        // Later rows replace earlier ones with the same ref or the same uid.
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
        const all = [...byRef.values()];
        for (let i = 0; i < all.length; i += chunkSize) await putFinals(tx, all.slice(i, i + chunkSize));
      },
      async deleteEntities(refs) {
        guard('deleteEntities');
        if (refs.length === 0) return;
        await tx.query(`DELETE FROM ${s}.search WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
        await tx.query(`DELETE FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[])`, [[...refs]]);
      },
    };
  }

  const lock = options.crossProcessLock;
  const processingLeases: ProcessingLeases | undefined = lock && {
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

  return {
    ...(processingLeases ? { processingLeases } : {}),
    ready,
    async close() {
      if (await closeGate()) await options.close();
    },
    async listLocations() {
      const rows = await read<{ id: string; type: string; target: string; created_at: string }>(
        `SELECT id, type, target, created_at FROM ${s}.locations ORDER BY created_at, id`,
      );
      return rows.map((r): StoredLocation => ({ id: r.id, type: r.type, target: r.target, createdAt: r.created_at }));
    },
    async getRefreshStates(selector) {
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
    },
    async getRelations({ sourceRefs }) {
      assertLookupKeys({ sourceRefs });
      if (sourceRefs.length === 0) return [];
      const rows = await read<{ originating_ref: string; source_ref: string; type: string; target_ref: string }>(
        `SELECT originating_ref, source_ref, type, target_ref FROM ${s}.relations WHERE source_ref = ANY($1::text[])
         ORDER BY source_ref, originating_ref, type, target_ref`,
        [[...new Set(sourceRefs)]],
      );
      return rows.map((r): StoredRelation => ({ originatingRef: r.originating_ref, sourceRef: r.source_ref, type: r.type, targetRef: r.target_ref }));
    },
    async getEntities({ refs, uids }) {
      assertLookupKeys({ refs, uids });
      if (!refs?.length && !uids?.length) return [];
      const rows = await read<EntityRow>(
        `SELECT entity_ref, uid, etag, entity FROM ${s}.final_entities WHERE entity_ref = ANY($1::text[]) OR uid = ANY($2::text[])`,
        [[...(refs ?? [])], [...(uids ?? [])]],
      );
      return rows.map(toFinal);
    },
    queryEntities,
    entityFacets,
    async transaction(fn) {
      await ready();
      const result = await client.transaction(async (tx) => {
        // One writer per schema at a time, across processes: a batch applies against the state
        // it was built on and concurrent upserts of the same rows cannot deadlock.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`portalkit-catalog:write:${schema}`]);
        let open = true;
        try {
          return await fn(writer(tx, () => open));
        } finally {
          open = false;
        }
      });
      if (unanalyzed >= analyzeAfter) {
        // After a bulk load, do now what autovacuum would do later (PGlite has none): fresh
        // row estimates (stale ones make filters pick plans 20x slower) and a visibility map,
        // without which counts cannot use index-only scans.
        unanalyzed = 0;
        await client.query(`VACUUM (ANALYZE) ${s}.search, ${s}.final_entities`);
      }
      return result;
    },
  };
}
