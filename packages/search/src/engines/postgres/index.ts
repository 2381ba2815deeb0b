import { InputError, toStorableText } from '@portalkit/core';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { checkPgOptions, createMigrationGate, openPgPool, pgPoolClient, quoteIdent } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import { normalizeQuery, validateDocuments } from '../../query.js';
import type { DocumentSelector, SearchDocument, SearchQuery, SearchResultSet } from '../../types.js';
import type { SearchEngine } from '../types.js';
import { enableFuzzy, locationKey, migrate } from './migrations.js';
import type { EngineQueryOptions } from '../../visibility.js';
import { filterSql } from './filter-sql.js';
import { createRankedPages } from './ranked-pages.js';
import { createPostgresQuery } from './search-query.js';
import { createPostgresWrites, dedupe } from './writes.js';

/**
 * Options of {@link postgresEngine}. Give a `pool` (shared with the rest of your app; not closed by
 * the engine) or a `connectionString` (the engine opens and closes its own pool).
 *
 * @example
 * ```ts
 * const engine = postgresEngine({ connectionString: process.env.DATABASE_URL, schema: 'search', language: 'english' });
 * ```
 */
export interface PostgresEngineOptions {
  pool?: Pool;
  connectionString?: string;
  /** Schema holding the engine's tables, created and migrated on first use; default `portalkit_search`. */
  schema?: string;
  /**
   * Text search configuration used for stemming, beside `simple` (which keeps words as written so
   * prefixes of names match); default `english`. Use `simple` to disable stemming.
   */
  language?: string;
  /** Tags around highlighted words; default `<mark>` and `</mark>`. */
  highlight?: { preTag?: string; postTag?: string };
  /** Documents per INSERT statement when indexing; default 500. */
  batchSize?: number;
  /**
   * Match misspelled words of four or more letters (`transactoins` finds `transactions`) through
   * the `pg_trgm` extension, which the engine creates if missing (a database owner may, as it is a
   * trusted extension). A number is the least trigram similarity of a word to count, 0..1; `true`
   * is 0.4. Default off, so hosts that cannot create extensions need not. Documents indexed before
   * it was switched on take part after their next re-index.
   */
  fuzzy?: boolean | number;
  /**
   * How often a statement or a whole transaction is retried after the connection to PostgreSQL
   * was lost (server restart, failover, terminated backend), with a short backoff. Default 3;
   * then the call fails with a `ServiceUnavailableError`. A transaction is retried from its
   * start, so an index run is never left half-written.
   */
  connectionRetries?: number;
}

/**
 * A {@link SearchEngine} on PostgreSQL full-text search: a weighted `tsvector` per document (title A,
 * text B, other fields C) under a GIN index, `ts_rank` ranking, prefix matching (`word:*`),
 * phrases (`phraseto_tsquery`) and `ts_headline` highlighting. Tables live in their own schema,
 * created by a versioned, idempotent migration. With `fuzzy`, misspelled words also match indexed
 * words of similar spelling (`pg_trgm` trigram similarity).
 *
 * @example
 * ```ts
 * const engine = postgresEngine({ connectionString: 'postgres://postgres@127.0.0.1:5432/portal' });
 * await engine.index('software-catalog', docs);
 * const { results, numberOfResults } = await engine.query({ term: 'payments', filters: { kind: 'Component' } });
 * await engine.close();
 * ```
 */
export function postgresEngine(options: PostgresEngineOptions): SearchEngine {
  const schema = checkPgOptions('postgresEngine', options, 'portalkit_search');
  const language = options.language ?? 'english';
  if (!/^[a-z_][a-z0-9_]*$/.test(language)) {
    throw new InputError(`postgresEngine: language '${language}' is not a text search configuration name`);
  }
  const retries = options.connectionRetries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) throw new InputError('postgresEngine: connectionRetries must be a non-negative integer');
  const preTag = options.highlight?.preTag ?? '<mark>';
  const postTag = options.highlight?.postTag ?? '</mark>';
  // ts_headline returns the raw text; it marks matches with unguessable letters-only sentinels,
  // so the text can be HTML-escaped afterwards and only then get the real tags.
  const nonce = randomUUID().replace(/-/g, '');
  const sentinels = { start: `pkhl${nonce}s`, stop: `pkhl${nonce}e` };
  const batchSize = options.batchSize ?? 500;
  const configs = language === 'simple' ? ['simple'] : ['simple', language];
  const fuzzy = options.fuzzy === true ? 0.4 : options.fuzzy || 0;
  if (!(fuzzy >= 0 && fuzzy < 1)) {
    throw new InputError(`postgresEngine: fuzzy must be true, false or a similarity between 0 and 1, got ${String(options.fuzzy)}`);
  }
  const tables = {
    documents: `${quoteIdent(schema)}.documents`,
    resources: `${quoteIdent(schema)}.resources`,
    words: `${quoteIdent(schema)}.words`,
    generation: `${quoteIdent(schema)}.write_generation`,
  };
  const table = tables.documents;
  // Options are all checked before a pool is opened, so a rejected engine leaves none behind.
  const { pool, close } = openPgPool(options, { max: 4 }, 'postgresEngine');
  const db = pgPoolClient(pool, { name: 'postgresEngine', retries });

  // Migrates at once; a failed start (server down) is retried on the next call.
  const gate = createMigrationGate('postgresEngine', async () => {
    await migrate(db, schema);
    if (fuzzy) {
      await enableFuzzy(db, schema).catch((error: unknown) => {
        throw new InputError(
          `postgresEngine: fuzzy matching needs the pg_trgm extension, which could not be set up (${(error as Error).message}); have an administrator run CREATE EXTENSION pg_trgm, or leave fuzzy off`,
        );
      });
    }
  });
  const init = () => gate.ready();
  const writes = createPostgresWrites({ tables, configs, batchSize, fuzzy });
  const ranked = createRankedPages();
  const search = createPostgresQuery({ db, tables, ranked, language, configs, fuzzy, tags: { preTag, postTag }, sentinels });
  const nextGeneration = `UPDATE ${tables.generation} SET n = n + 1`;

  // Every write moves the generation on in its own transaction (last, so concurrent writers wait
  // for it only while committing): a ranked window (ranked-pages.ts) read at the old one is stale.
  const transaction = async <T>(work: (client: SqlClient) => Promise<T>): Promise<T> => {
    await init();
    ranked.clear();
    const result = await db.transaction(async (client) => {
      const value = await work(client);
      await client.query(nextGeneration);
      return value;
    });
    ranked.clear();
    return result;
  };

  return {
    features: { fuzzy: fuzzy > 0, visibility: true },

    async index(type, documents) {
      const collected: SearchDocument[] = [];
      for await (const doc of documents) collected.push(doc);
      const valid = dedupe(validateDocuments(collected, type));
      // One transaction: readers keep seeing the old set until the new one is complete.
      await transaction(async (client) => {
        await client.query(`DELETE FROM ${table} WHERE type = $1`, [type]);
        await writes.insertAll(client, valid);
        await writes.sweepResources(client);
      });
      // A full replace rewrote a type's rows: fresh statistics keep the planner's row estimates
      // (and so its choice of plans) right, and the GIN index answers without a pending list.
      // The documents are committed by now, so a failure here must not report the index as failed.
      await db
        .query(`ANALYZE ${table}`)
        .then(() => db.query(`SELECT gin_clean_pending_list('${quoteIdent(schema).replace(/'/g, "''")}.documents_tsv_idx'::regclass)`))
        .catch(() => undefined);
    },

    async upsert(documents) {
      const valid = dedupe(validateDocuments(documents));
      if (valid.length === 0) return;
      await transaction((client) => writes.insertAll(client, valid));
    },

    async remove(type, selector: DocumentSelector) {
      if (Array.isArray(selector)) {
        const locations = selector as readonly string[];
        if (locations.length === 0) return;
        await transaction(async (client) => {
          const { rows } = await client.query<{ resource_ref: string | null }>(
            `DELETE FROM ${table} WHERE type = $1 AND location_key = ANY(ARRAY(SELECT ${locationKey('l')} FROM unnest($2::text[]) AS l))
             AND location = ANY($2::text[]) RETURNING resource_ref`,
            [type, locations.map((location) => toStorableText(location))],
          );
          await writes.sweepRemoved(client, rows);
        });
        return;
      }
      const q = normalizeQuery({ term: '', filters: (selector as { filters: Record<string, string> }).filters });
      const params: unknown[] = [type];
      const where = filterSql(q, params);
      await transaction(async (client) => {
        const { rows } = await client.query<{ resource_ref: string | null }>(
          `DELETE FROM ${table} d WHERE d.type = $1${where ? ` AND ${where}` : ''} RETURNING d.resource_ref`,
          params,
        );
        await writes.sweepRemoved(client, rows);
      });
    },

    async query(query: SearchQuery, options: EngineQueryOptions = {}): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      await init();
      return search(q, { ...options, cursor: query.pageCursor !== undefined });
    },

    async close() {
      if (await gate.close()) await close();
    },
  };
}
