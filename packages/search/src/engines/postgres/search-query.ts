import type { SqlClient } from '@portalkit/sql';
import { markEscaped } from '../../highlight.js';
import { pageCursors } from '../../query.js';
import type { NormalizedQuery } from '../../query.js';
import type { SearchDocument, SearchResult, SearchResultSet } from '../../types.js';
import type { EngineQueryOptions } from '../../visibility.js';
import { filterSql } from './filter-sql.js';
import { fuzzyAlternatives, tsquerySql } from './tsquery-sql.js';
import { visibilitySql } from './visibility-sql.js';

/** Options of {@link createPostgresQuery}: the engine's qualified tables and resolved settings. */
export interface PostgresQueryOptions {
  db: Pick<SqlClient, 'query'>;
  /** Qualified names of the documents, resources and words tables. */
  tables: { documents: string; resources: string; words: string };
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
  type: string | null;
  document: SearchDocument | null;
  title_hl: string | null;
  text_hl: string | null;
}

/**
 * The read side of `postgresEngine`: one statement ranks, counts and pages the visible matches,
 * then highlights the page.
 */
export function createPostgresQuery(options: PostgresQueryOptions): (q: NormalizedQuery, query?: EngineQueryOptions) => Promise<SearchResultSet> {
  const { db, tables, language, configs, fuzzy, tags, sentinels } = options;
  const { documents: table, resources, words } = tables;
  const { preTag, postTag } = tags;

  return async (q, queryOptions = {}) => {
    const params: unknown[] = [language];
    const conditions: string[] = [];
    const tsquery = tsquerySql(q, params, await fuzzyAlternatives(db, words, fuzzy, q.words), configs);
    if (tsquery) conditions.push('d.tsv @@ q.q');
    if (q.types) {
      params.push(q.types);
      conditions.push(`d.type = ANY($${params.length}::text[])`);
    }
    const filters = filterSql(q, params);
    if (filters) conditions.push(filters);
    const visible = visibilitySql(queryOptions.visibility ?? {}, resources, params);
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
        if (row.title_hl?.includes(sentinels.start)) fields.title = markEscaped(row.title_hl, sentinels, tags);
        if (row.text_hl?.includes(sentinels.start)) fields.text = markEscaped(row.text_hl, sentinels, tags);
        result.highlight = { preTag, postTag, fields };
      }
      results.push(result);
    }
    return { results, numberOfResults: total, ...pageCursors(q.offset, q.limit, total) };
  };
}

/** ts_headline options; tag values are double-quoted so any characters survive. */
function headlineOptions(preTag: string, postTag: string, whole: boolean): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const tags = `StartSel=${quote(preTag)}, StopSel=${quote(postTag)}`;
  return whole ? `${tags}, HighlightAll=true` : `${tags}, MaxWords=35, MinWords=15, ShortWord=2`;
}
