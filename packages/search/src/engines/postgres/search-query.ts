import type { SqlClient } from '@portalkit/sql';
import { markEscaped } from '../../highlight.js';
import { pageCursors } from '../../query.js';
import type { NormalizedQuery } from '../../query.js';
import type { SearchDocument, SearchResult, SearchResultHighlight, SearchResultSet } from '../../types.js';
import type { EngineQueryOptions } from '../../visibility.js';
import { filterSql } from './filter-sql.js';
import { cacheKey } from '../ranked-cache.js';
import { PAGES_AHEAD, type RankedPages, type RankedWindow } from './ranked-pages.js';
import { fuzzyAlternatives, tsquerySql } from './tsquery-sql.js';
import { visibilitySql } from './visibility-sql.js';

/** Options of {@link createPostgresQuery}: the engine's qualified tables and resolved settings. */
export interface PostgresQueryOptions {
  db: Pick<SqlClient, 'query'>;
  /** Qualified names of the documents, resources and words tables and the write generation. */
  tables: { documents: string; resources: string; words: string; generation: string };
  /** Ranked windows kept for cursor pages. */
  ranked: RankedPages;
  /** The stemming text search configuration (`$1` of every query). */
  language: string;
  /** Text search configurations every field is indexed under. */
  configs: readonly string[];
  /** Trigram similarity threshold; 0 when fuzzy matching is off. */
  fuzzy: number;
  /** Tags around highlighted words in results. */
  tags: { preTag: string; postTag: string };
  /** Letters-only markers ts_headline puts around matches, replaced by `tags` after escaping. */
  sentinels: { start: string; stop: string };
}

interface Row {
  total: number;
  generation: string;
  n: number | null;
  type: string | null;
  location_key: Buffer | null;
  document: SearchDocument | null;
  title_hl: string | null;
  text_hl: string | null;
}

/** The rank of a hit: its weighted `ts_rank`, doubled when its whole title is the query. */
const SCORE = `ts_rank(d.tsv, q.q) * CASE WHEN d.title_key = q.exact THEN 2 ELSE 1 END`;

/**
 * The read side of `postgresEngine`: one statement ranks, counts and pages the visible matches,
 * then highlights the page. It also returns the keys of the next {@link PAGES_AHEAD} pages, kept
 * in `ranked`, so a request following a cursor only fetches and highlights its page.
 */
export function createPostgresQuery(
  options: PostgresQueryOptions,
): (q: NormalizedQuery, query?: EngineQueryOptions & { cursor?: boolean }) => Promise<SearchResultSet> {
  const { db, tables, language, configs, fuzzy, tags, sentinels } = options;
  const { documents: table, resources, words, generation } = tables;
  const ranked = options.ranked;
  // The generation as text, read in the statement's snapshot: the one of the rows it ranks.
  const readGeneration = `(SELECT n::text FROM ${generation})`;

  const toResults = (rows: Row[], q: NormalizedQuery, highlighted: boolean): SearchResult[] => {
    const results: SearchResult[] = [];
    for (const row of rows) {
      if (!row.type || !row.document) continue;
      const result: SearchResult = { type: row.type, document: row.document, rank: q.offset + results.length + 1 };
      if (highlighted) result.highlight = highlightOf(row, sentinels, tags);
      results.push(result);
    }
    return results;
  };

  /** The page from a kept window, or undefined when the schema was written since. */
  const fromWindow = async (q: NormalizedQuery, window: RankedWindow): Promise<SearchResultSet | undefined> => {
    const params: unknown[] = [language];
    const tsquery = tsquerySql(q, params, window.alternatives, configs);
    const keys = window.keys.slice(q.offset - window.start, q.offset - window.start + q.limit);
    params.push(
      keys.map((k) => k.type),
      keys.map((k) => k.locationKey),
    );
    const [types, locationKeys] = [`$${params.length - 1}`, `$${params.length}`];
    const headlines = headlineSql(tsquery !== undefined, params, sentinels);
    const { rows } = await db.query<Row>(
      `WITH q AS (SELECT ${tsquery ?? `''::tsquery`} AS q, $1::regconfig AS cfg)
       SELECT ${readGeneration} AS generation, k.n, d.type, d.document, ${headlines}
       FROM q CROSS JOIN (SELECT 1) AS one
       LEFT JOIN (unnest(${types}::text[], ${locationKeys}::bytea[]) WITH ORDINALITY AS k(type, location_key, n)
         JOIN ${table} d USING (type, location_key)) ON true
       ORDER BY k.n`,
      params,
    );
    if (rows[0]?.generation !== window.generation) return undefined;
    return { results: toResults(rows, q, tsquery !== undefined), numberOfResults: window.total, ...pageCursors(q.offset, q.limit, window.total) };
  };

  return async (q, queryOptions = {}) => {
    const visibility = queryOptions.visibility ?? {};
    // Same query whatever the page: the words, phrases, types, filters and what may be seen.
    const key = cacheKey([q.words, q.phrases, q.types, q.filters, visibility]);
    // Only a request following a cursor reuses a ranked window; a first page always runs its query.
    const window = queryOptions.cursor ? ranked.get(key, q.offset, q.limit) : undefined;
    if (window) {
      const page = await fromWindow(q, window);
      if (page) return page;
    }

    const params: unknown[] = [language];
    const conditions: string[] = [];
    const alternatives = await fuzzyAlternatives(db, words, fuzzy, q.words);
    const tsquery = tsquerySql(q, params, alternatives, configs);
    if (tsquery) conditions.push('d.tsv @@ q.q');
    if (q.types) {
      params.push(q.types);
      conditions.push(`d.type = ANY($${params.length}::text[])`);
    }
    const filters = filterSql(q, params);
    if (filters) conditions.push(filters);
    const visible = visibilitySql(visibility, resources, params);
    if (visible) conditions.push(visible);
    params.push([...q.words, ...q.phrases.flat()].join(' '));
    const exact = `$${params.length}`;
    params.push(q.limit, q.limit * (1 + PAGES_AHEAD), q.offset);
    const [limit, windowSize, offset] = [`$${params.length - 2}`, `$${params.length - 1}`, `$${params.length}`];
    const headlines = headlineSql(tsquery !== undefined, params, sentinels);
    const order = 'score DESC, type COLLATE "C", location COLLATE "C"';

    // Rank on the matching (type, location) only, then join the page back for the documents, so
    // ts_headline (the costly part) runs on one page, not on every hit; the keys of the pages
    // after it look nothing up (a NULL type finds no row without touching the index). The generation is read
    // in the same snapshot as the hits, and writers move it on in their own transaction, so a
    // window is current exactly while no write committed since.
    const sql = `
        WITH q AS (SELECT ${tsquery ?? `''::tsquery`} AS q, $1::regconfig AS cfg, ${exact}::text AS exact),
        hits AS MATERIALIZED (
          SELECT d.type, d.location, d.location_key, ${tsquery ? SCORE : '0'} AS score
          FROM ${table} d, q ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ),
        ranked AS (
          SELECT type, location, location_key, score, row_number() OVER (ORDER BY ${order}) AS n
          FROM (SELECT * FROM hits ORDER BY ${order} LIMIT ${windowSize} OFFSET ${offset}) AS top
        )
        SELECT (SELECT count(*) FROM hits)::int AS total, ${readGeneration} AS generation,
          p.n, p.type AS type_key, p.location_key, d.type, d.document, ${headlines}
        FROM q CROSS JOIN (SELECT 1) AS one
        LEFT JOIN (ranked p LEFT JOIN ${table} d ON d.type = CASE WHEN p.n <= ${limit} THEN p.type END AND d.location_key = p.location_key) ON true
        ORDER BY p.n`;
    const { rows } = await db.query<Row & { type_key: string | null }>(sql, params);
    const total = rows[0]?.total ?? 0;
    if (q.offset + q.limit < total) {
      const keys = rows.flatMap((row) => (row.type_key && row.location_key ? [{ type: row.type_key, locationKey: row.location_key }] : []));
      ranked.set(key, { generation: rows[0]!.generation, total, start: q.offset, keys, alternatives });
    }
    return { results: toResults(rows, q, tsquery !== undefined), numberOfResults: total, ...pageCursors(q.offset, q.limit, total) };
  };
}

/** The select-list entries of a page's highlights (NULLs without a term), their options in `params`. */
function headlineSql(highlighted: boolean, params: unknown[], sentinels: { start: string; stop: string }): string {
  if (!highlighted) return 'NULL AS title_hl, NULL AS text_hl';
  params.push(headlineOptions(sentinels.start, sentinels.stop, true), headlineOptions(sentinels.start, sentinels.stop, false));
  return `ts_headline(q.cfg, d.title, q.q, $${params.length - 1}) AS title_hl,
          ts_headline(q.cfg, d.text, q.q, $${params.length}) AS text_hl`;
}

/** A row's highlights, escaped, with the engine's tags. */
function highlightOf(
  row: Pick<Row, 'title_hl' | 'text_hl'>,
  sentinels: { start: string; stop: string },
  tags: { preTag: string; postTag: string },
): SearchResultHighlight {
  const fields: Record<string, string> = {};
  if (row.title_hl?.includes(sentinels.start)) fields.title = markEscaped(row.title_hl, sentinels, tags);
  if (row.text_hl?.includes(sentinels.start)) fields.text = markEscaped(row.text_hl, sentinels, tags);
  return { preTag: tags.preTag, postTag: tags.postTag, fields };
}

/** ts_headline options; tag values are double-quoted so any characters survive. */
function headlineOptions(preTag: string, postTag: string, whole: boolean): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const tags = `StartSel=${quote(preTag)}, StopSel=${quote(postTag)}`;
  return whole ? `${tags}, HighlightAll=true` : `${tags}, MaxWords=35, MinWords=15, ShortWord=2`;
}
