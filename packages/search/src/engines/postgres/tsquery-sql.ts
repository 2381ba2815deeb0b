import type { SqlClient } from '@portalkit/sql';
import { isFuzzyWord } from '../../query.js';
import type { NormalizedQuery } from '../../query.js';

/** How many indexed words a misspelled query word may stand for. */
const FUZZY_ALTERNATIVES = 8;

/**
 * Indexed words (from the `words` table) similar to each fuzzy-eligible query word, most similar
 * first; empty when `fuzzy` (the least similarity) is 0.
 */
export async function fuzzyAlternatives(
  db: Pick<SqlClient, 'query'>,
  words: string,
  fuzzy: number,
  queryWords: readonly string[],
): Promise<Map<string, string[]>> {
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

/**
 * The tsquery of a query as SQL over `params` ($1 is the language), or undefined for match-all.
 * Each word matches as a prefix under every configuration, or as any of its `alternatives`.
 */
export function tsquerySql(
  q: NormalizedQuery,
  params: unknown[],
  alternatives: Map<string, string[]>,
  configs: readonly string[],
): string | undefined {
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
