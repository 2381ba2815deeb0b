import { toStorableText } from '@portalkit/core';
import type { SqlClient } from '@portalkit/sql';
import { extraTextOf, facetsOf, isFuzzyWord, tokenize } from '../../query.js';
import type { SearchDocument } from '../../types.js';
import { splitAuthorization } from '../../visibility.js';
import { locationKey, titleKey } from './migrations.js';

/** Options of {@link createPostgresWrites}: the engine's qualified tables and resolved settings. */
export interface PostgresWritesOptions {
  /** Qualified names of the documents, resources and words tables. */
  tables: { documents: string; resources: string; words: string };
  /** Text search configurations every field is indexed under. */
  configs: readonly string[];
  /** Documents per INSERT statement. */
  batchSize: number;
  /** Trigram similarity threshold; 0 when fuzzy matching is off (no words are recorded). */
  fuzzy: number;
}

/** Writes of the PostgreSQL engine, each inside the caller's transaction. */
export interface PostgresWrites {
  /** Insert or replace documents, with their resources' facts and (with fuzzy) their words. */
  insertAll(client: SqlClient, docs: SearchDocument[]): Promise<void>;
  /** Delete facts of resources no document refers to any more (all, or those of the given refs). */
  sweepResources(client: SqlClient, refs?: readonly string[]): Promise<unknown>;
  /** Sweep the resources of deleted rows (as returned by `RETURNING resource_ref`). */
  sweepRemoved(client: SqlClient, rows: Array<{ resource_ref: string | null }>): Promise<void>;
}

/** The document, resource-fact and word writes of `postgresEngine`. */
export function createPostgresWrites({ tables, configs, batchSize, fuzzy }: PostgresWritesOptions): PostgresWrites {
  const { documents: table, resources, words } = tables;
  // Both configurations index every field: `simple` keeps names and prefixes intact, the language
  // adds stems ("services" finds "service"). Weights rank title over text over the rest.
  const tsvectorSql = (['title', 'text', 'extra'] as const)
    .flatMap((field, i) => configs.map((c) => `setweight(to_tsvector('${c}', d.${field}), '${'ABC'[i]}')`))
    .join(' || ');

  const sweepResources = (client: SqlClient, refs?: readonly string[]) =>
    client.query(
      `DELETE FROM ${resources} r WHERE ${refs ? 'r.ref = ANY($1::text[]) AND ' : ''}NOT EXISTS (SELECT 1 FROM ${table} d WHERE d.resource_ref = r.ref)`,
      refs ? [refs] : [],
    );

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
      `INSERT INTO ${table} (type, location, location_key, title, title_key, text, document, facets, tsv, resource_ref)
       SELECT d.type, d.location, ${locationKey('d.location')}, d.title, ${titleKey('d.title')}, d.text, d.document, d.facets, ${tsvectorSql}, d.resource_ref
       FROM jsonb_to_recordset($1::jsonb) AS d(type text, location text, title text, text text, extra text, document jsonb, facets jsonb, resource_ref text)
       ON CONFLICT (type, location_key) DO UPDATE SET location = EXCLUDED.location, title = EXCLUDED.title, title_key = EXCLUDED.title_key, text = EXCLUDED.text,
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

  return {
    async insertAll(client, docs) {
      for (let i = 0; i < docs.length; i += batchSize) await insertBatch(client, docs.slice(i, i + batchSize));
    },
    sweepResources,
    async sweepRemoved(client, rows) {
      const refs = [...new Set(rows.flatMap((row) => (row.resource_ref === null ? [] : [row.resource_ref])))];
      if (refs.length > 0) await sweepResources(client, refs);
    },
  };
}

/** Last write wins within one call, since one INSERT cannot touch a row twice. */
export function dedupe(documents: SearchDocument[]): SearchDocument[] {
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
