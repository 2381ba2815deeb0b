import { InputError, toStorableText } from '@portalkit/core';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { checkPgOptions, createMigrationGate, openPgPool, pgPoolClient, quoteIdent } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import { extraTextOf, facetsOf, isFuzzyWord, normalizeQuery, pageCursors, tokenize, validateDocuments } from '../../query.js';
import type { NormalizedQuery } from '../../query.js';
import type { DocumentSelector, SearchDocument, SearchQuery, SearchResult, SearchResultSet } from '../../types.js';
import type { SearchEngine } from '../types.js';
import { markEscaped } from '../../highlight.js';
import { enableFuzzy, locationKey, migrate } from './migrations.js';
import { splitAuthorization } from '../../visibility.js';
import type { EngineQueryOptions } from '../../visibility.js';
import { visibilitySql } from './visibility-sql.js';

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

/** How many indexed words a misspelled query word may stand for. */
const FUZZY_ALTERNATIVES = 8;

interface Row {
  total: number;
  type: string | null;
  document: SearchDocument | null;
  title_hl: string | null;
  text_hl: string | null;
}

/**
 * A {@link SearchEngine} on PostgreSQL full-text search: a weighted `tsvector` per document (title A,
 * text B, other fields C) under a GIN index, `ts_rank_cd` ranking, prefix matching (`word:*`),
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
  const table = `${quoteIdent(schema)}.documents`;
  const configs = language === 'simple' ? ['simple'] : ['simple', language];
  const fuzzy = options.fuzzy === true ? 0.4 : options.fuzzy || 0;
  if (!(fuzzy >= 0 && fuzzy < 1)) {
    throw new InputError(`postgresEngine: fuzzy must be true, false or a similarity between 0 and 1, got ${String(options.fuzzy)}`);
  }
  const words = `${quoteIdent(schema)}.words`;
  const resources = `${quoteIdent(schema)}.resources`;
  // Facts of resources no document refers to any more (all, or those of the given refs).
  const sweepResources = (client: SqlClient, refs?: readonly string[]) =>
    client.query(
      `DELETE FROM ${resources} r WHERE ${refs ? 'r.ref = ANY($1::text[]) AND ' : ''}NOT EXISTS (SELECT 1 FROM ${table} d WHERE d.resource_ref = r.ref)`,
      refs ? [refs] : [],
    );
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

  // Both configurations index every field: `simple` keeps names and prefixes intact, the language
  // adds stems ("services" finds "service"). Weights rank title over text over the rest.
  const tsvectorSql = (['title', 'text', 'extra'] as const)
    .flatMap((field, i) => configs.map((c) => `setweight(to_tsvector('${c}', d.${field}), '${'ABC'[i]}')`))
    .join(' || ');

  const insertBatch = async (client: SqlClient, docs: SearchDocument[]): Promise<void> => {
    const facts = new Map<string, unknown>();
    const rows = docs.map((doc) => {
      const split = splitAuthorization(stripNul(doc) as SearchDocument);
      const clean = split.document;
      if (split.resourceRef !== undefined && split.facts) facts.set(split.resourceRef, split.facts);
      return {
        type: clean.type,
        location: clean.location,
        title: clean.title,
        text: clean.text,
        extra: extraTextOf(clean),
        document: clean,
        facets: facetsOf(clean),
        resource_ref: split.resourceRef ?? null,
      };
    });
    await client.query(
      `INSERT INTO ${table} (type, location, location_key, title, text, document, facets, tsv, resource_ref)
       SELECT d.type, d.location, ${locationKey('d.location')}, d.title, d.text, d.document, d.facets, ${tsvectorSql}, d.resource_ref
       FROM jsonb_to_recordset($1::jsonb) AS d(type text, location text, title text, text text, extra text, document jsonb, facets jsonb, resource_ref text)
       ON CONFLICT (type, location_key) DO UPDATE SET location = EXCLUDED.location, title = EXCLUDED.title, text = EXCLUDED.text,
         document = EXCLUDED.document, facets = EXCLUDED.facets, tsv = EXCLUDED.tsv, resource_ref = EXCLUDED.resource_ref`,
      [JSON.stringify(rows)],
    );
    if (facts.size > 0) {
      // Sorted, so concurrent writers lock resources in the same order and cannot deadlock.
      const entries = [...facts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ref, f]) => ({ ref, facts: f }));
      await client.query(
        `INSERT INTO ${resources} (ref, facts) SELECT r.ref, r.facts FROM jsonb_to_recordset($1::jsonb) AS r(ref text, facts jsonb)
         ON CONFLICT (ref) DO UPDATE SET facts = EXCLUDED.facts`,
        [JSON.stringify(entries)],
      );
    }
    if (fuzzy) {
      // Words no document has any more stay listed: they can only widen a query by a word that
      // matches nothing, never bring back a removed document.
      const found = new Set<string>();
      for (const row of rows) {
        for (const word of tokenize(`${row.title} ${row.text} ${row.extra}`)) if (isFuzzyWord(word)) found.add(word);
      }
      if (found.size > 0) {
        // Sorted, so concurrent writers take row locks in the same order and cannot deadlock.
        await client.query(`INSERT INTO ${words} (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [[...found].sort()]);
      }
    }
  };

  const insertAll = async (client: SqlClient, docs: SearchDocument[]): Promise<void> => {
    for (let i = 0; i < docs.length; i += batchSize) await insertBatch(client, docs.slice(i, i + batchSize));
  };

  const sweepRemoved = async (client: SqlClient, rows: Array<{ resource_ref: string | null }>): Promise<void> => {
    const refs = [...new Set(rows.flatMap((row) => (row.resource_ref === null ? [] : [row.resource_ref])))];
    if (refs.length > 0) await sweepResources(client, refs);
  };

  const transaction = async <T>(work: (client: SqlClient) => Promise<T>): Promise<T> => {
    await init();
    return db.transaction(work);
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
        await insertAll(client, valid);
        await sweepResources(client);
      });
    },

    async upsert(documents) {
      const valid = dedupe(validateDocuments(documents));
      if (valid.length === 0) return;
      await transaction((client) => insertAll(client, valid));
    },

    async remove(type, selector: DocumentSelector) {
      await init();
      if (Array.isArray(selector)) {
        const locations = selector as readonly string[];
        if (locations.length === 0) return;
        await transaction(async (client) => {
          const { rows } = await client.query<{ resource_ref: string | null }>(
            `DELETE FROM ${table} WHERE type = $1 AND location_key = ANY(ARRAY(SELECT ${locationKey('l')} FROM unnest($2::text[]) AS l))
             AND location = ANY($2::text[]) RETURNING resource_ref`,
            [type, locations.map((location) => toStorableText(location))],
          );
          await sweepRemoved(client, rows);
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
        await sweepRemoved(client, rows);
      });
    },

    async query(query: SearchQuery, options: EngineQueryOptions = {}): Promise<SearchResultSet> {
      const q = normalizeQuery(query);
      await init();
      const params: unknown[] = [language];
      const conditions: string[] = [];
      const tsquery = tsquerySql(q, params, await alternativesOf(q.words));
      if (tsquery) conditions.push('d.tsv @@ q.q');
      if (q.types) {
        params.push(q.types);
        conditions.push(`d.type = ANY($${params.length}::text[])`);
      }
      const filters = filterSql(q, params);
      if (filters) conditions.push(filters);
      const visible = visibilitySql(options.visibility ?? {}, resources, params);
      if (visible) conditions.push(visible);
      params.push([...q.words, ...q.phrases.flat()].join(' '));
      const exact = `$${params.length}`;
      params.push(q.limit, q.offset);
      const [limit, offset] = [`$${params.length - 1}`, `$${params.length}`];
      let headlines = 'NULL AS title_hl, NULL AS text_hl';
      if (tsquery) {
        params.push(headlineOptions(sentinels.start, sentinels.stop, true), headlineOptions(sentinels.start, sentinels.stop, false));
        headlines = `ts_headline(q.cfg, d.title, q.q, $${params.length - 1}) AS title_hl,
          ts_headline(q.cfg, d.text, q.q, $${params.length}) AS text_hl`;
      }

      // Rank first on the matching (type, location) only, then join the page back for the
      // documents, so ts_headline (the costly part) runs on one page, not on every hit.
      const score = tsquery
        ? `ts_rank_cd(d.tsv, q.q) * CASE WHEN btrim(regexp_replace(lower(d.title), '[^[:alnum:]]+', ' ', 'g')) = q.exact THEN 2 ELSE 1 END`
        : '0';
      const sql = `
        WITH q AS (SELECT ${tsquery ?? `''::tsquery`} AS q, $1::regconfig AS cfg, ${exact}::text AS exact),
        hits AS MATERIALIZED (
          SELECT d.type, d.location, d.location_key, ${score} AS score
          FROM ${table} d, q ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ),
        page AS (
          SELECT type, location, location_key, score FROM hits ORDER BY score DESC, type COLLATE "C", location COLLATE "C"
          LIMIT ${limit} OFFSET ${offset}
        )
        SELECT (SELECT count(*) FROM hits)::int AS total, d.type, d.document,
          ${headlines}
        FROM q CROSS JOIN (SELECT 1) AS one
        LEFT JOIN (page p JOIN ${table} d USING (type, location_key)) ON true
        ORDER BY p.score DESC, p.type COLLATE "C", p.location COLLATE "C"`;
      const { rows } = await db.query<Row>(sql, params);
      const total = rows[0]?.total ?? 0;
      const results: SearchResult[] = [];
      for (const row of rows) {
        if (!row.type || !row.document) continue;
        const result: SearchResult = { type: row.type, document: row.document, rank: q.offset + results.length + 1 };
        if (tsquery) {
          const fields: Record<string, string> = {};
          const tags = { preTag, postTag };
          if (row.title_hl?.includes(sentinels.start)) fields.title = markEscaped(row.title_hl, sentinels, tags);
          if (row.text_hl?.includes(sentinels.start)) fields.text = markEscaped(row.text_hl, sentinels, tags);
          result.highlight = { preTag, postTag, fields };
        }
        results.push(result);
      }
      return { results, numberOfResults: total, ...pageCursors(q.offset, q.limit, total) };
    },

    async close() {
      if (await gate.close()) await close();
    },
  };

  /** Indexed words similar to each fuzzy-eligible query word, most similar first. */
  async function alternativesOf(queryWords: string[]): Promise<Map<string, string[]>> {
    const eligible = [...new Set(queryWords.filter(isFuzzyWord))];
    if (!fuzzy || eligible.length === 0) return new Map();
    // `%` finds candidates through the trigram index (at pg_trgm's own threshold, 0.3 by
    // default); the similarity test then applies the engine's.
    const { rows } = await db.query<{ word: string; alternatives: string[] }>(
      `SELECT q.word, ARRAY(
         SELECT w.word FROM ${words} w
         WHERE w.word % q.word AND w.word <> q.word AND similarity(w.word, q.word) >= $2
         ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT ${FUZZY_ALTERNATIVES}
       ) AS alternatives
       FROM unnest($1::text[]) AS q(word)`,
      [eligible, fuzzy],
    );
    return new Map(rows.map((r) => [r.word, r.alternatives]));
  }

  /** The tsquery of a query as SQL over `params` ($1 is the language), or undefined for match-all. */
  function tsquerySql(q: NormalizedQuery, params: unknown[], alternatives: Map<string, string[]>): string | undefined {
    const parts: string[] = [];
    for (const word of q.words) {
      // Words come from tokenize(): letters and digits only, so `word:*` cannot smuggle operators.
      params.push(`${word}:*`);
      const p = `$${params.length}`;
      const options = configs.length === 1 ? [`to_tsquery('simple', ${p})`] : [`to_tsquery('simple', ${p})`, `to_tsquery($1::regconfig, ${p})`];
      for (const alternative of alternatives.get(word) ?? []) {
        // Alternatives are indexed words, tokenized the same way; matched as written.
        params.push(alternative);
        options.push(`to_tsquery('simple', $${params.length})`);
      }
      parts.push(options.length === 1 ? options[0]! : `(${options.join(' || ')})`);
    }
    for (const phrase of q.phrases) {
      params.push(phrase.join(' '));
      parts.push(`phraseto_tsquery('simple', $${params.length})`);
    }
    return parts.length > 0 ? `(${parts.join(' && ')})` : undefined;
  }
}

/** Facet filters as SQL: per field, containment of any wanted value (uses the jsonb GIN index). */
function filterSql(q: NormalizedQuery, params: unknown[]): string | undefined {
  const clauses = q.filters.map(([field, values]) => {
    const alternatives = values.map((value) => {
      params.push(JSON.stringify({ [field]: [value] }));
      return `d.facets @> $${params.length}::jsonb`;
    });
    return `(${alternatives.join(' OR ')})`;
  });
  return clauses.length > 0 ? clauses.join(' AND ') : undefined;
}

/** ts_headline options; tag values are double-quoted so any characters survive. */
function headlineOptions(preTag: string, postTag: string, whole: boolean): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const tags = `StartSel=${quote(preTag)}, StopSel=${quote(postTag)}`;
  return whole ? `${tags}, HighlightAll=true` : `${tags}, MaxWords=35, MinWords=15, ShortWord=2`;
}

/** Last write wins within one call, since one INSERT cannot touch a row twice. */
function dedupe(documents: SearchDocument[]): SearchDocument[] {
  const byKey = new Map<string, SearchDocument>();
  // Keyed as stored (NUL dropped), so two spellings of one stored location never meet in one INSERT.
  for (const doc of documents) byKey.set(`${toStorableText(doc.type)}\u0000${toStorableText(doc.location)}`, doc);
  return [...byKey.values()];
}

/**
 * PostgreSQL text and jsonb hold neither U+0000 nor a lone surrogate (a catalog author can
 * write either, e.g. `"\ud800"` in YAML); fix them rather than fail the whole batch.
 */
function stripNul(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (Array.isArray(value)) return value.map(stripNul);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), stripNul(v)]));
  }
  return value;
}
