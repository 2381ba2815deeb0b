import { highlightText } from '../../highlight.js';
import type { NormalizedQuery } from '../../query.js';
import type { SearchResult } from '../../types.js';
import { topK } from './top-k.js';
import type { Hit, TypeMatches } from './types.js';

const TEXT_FRAGMENT_WORDS = 35;

/** Tags around highlighted words. */
export interface HighlightTags {
  preTag: string;
  postTag: string;
}

/**
 * The page `[q.offset, q.offset + q.limit)` across the types' ranked matches, and how many
 * matched in all. Each type contributes its best `offset + limit`, then the page is taken across
 * types; ties are broken by (type, location) so pages are stable across requests.
 */
export function pageOf(lists: readonly TypeMatches[], q: NormalizedQuery): { page: Hit[]; total: number } {
  const wanted = q.offset + q.limit;
  const candidates: Hit[] = [];
  let total = 0;
  for (const { type, index, ids, scores, terms } of lists) {
    total += ids.length;
    const location = (i: number) => index.byId[ids[i]!]!.document.location;
    const positions = Array.from({ length: ids.length }, (_, i) => i);
    for (const i of topK(positions, wanted, (a, b) => scores[b]! - scores[a]! || compare(location(a), location(b)))) {
      candidates.push({ entry: index.byId[ids[i]!]!, type, score: scores[i]!, terms });
    }
  }
  const best = topK(
    candidates,
    wanted,
    (a, b) => b.score - a.score || compare(a.type, b.type) || compare(a.entry.document.location, b.entry.document.location),
  );
  return { page: best.slice(q.offset), total };
}

/** A hit as a result: a copy of its document and, for a text query, its highlighted title and text. */
export function toResult(hit: Hit, rank: number, q: NormalizedQuery, { preTag, postTag }: HighlightTags): SearchResult {
  const result: SearchResult = { type: hit.type, document: { ...hit.entry.document }, rank };
  if (!q.matchAll) {
    const terms = new Set(hit.terms);
    const isMatch = (word: string) => terms.has(word);
    const fields: Record<string, string> = {};
    const title = highlightText(hit.entry.document.title, isMatch, { preTag, postTag });
    const text = highlightText(hit.entry.document.text, isMatch, { preTag, postTag, maxWords: TEXT_FRAGMENT_WORDS });
    if (title !== undefined) fields.title = title;
    if (text !== undefined) fields.text = text;
    result.highlight = { preTag, postTag, fields };
  }
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
