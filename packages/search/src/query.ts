import { InputError, hasLoneSurrogate } from '@portalkit/core';
import { z } from 'zod';
import { searchDocumentSchema } from './types.js';
import type { SearchDocument, SearchFilters, SearchQuery } from './types.js';

/** Default and maximum page sizes, as in Backstage's search backend. */
export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;
const MAX_TERM_LENGTH = 1000;
const MAX_WORDS = 32;

const WORD = /[\p{L}\p{N}]+/gu;

/** Split text into lower-cased words; the same rule for indexing, querying and highlighting. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * The longest word fuzzy matching applies to. PostgreSQL keeps the fuzzy dictionary in a btree
 * (a row holds at most ~2.7 kB), and a document's text may hold a word of any length; longer
 * words are still found exactly and by prefix, on every engine, just never fuzzily.
 *
 * @example
 * ```ts
 * const fuzzyCandidate = word.length >= 4 && word.length <= MAX_FUZZY_WORD_LENGTH;
 * ```
 */
export const MAX_FUZZY_WORD_LENGTH = 64;

/**
 * Words fuzzy matching applies to, on every engine: 4 to {@link MAX_FUZZY_WORD_LENGTH}
 * characters with some letters (numbers are not misspelled words: fuzzing "5000" would also
 * match "5001").
 */
export function isFuzzyWord(word: string): boolean {
  return word.length >= 4 && word.length <= MAX_FUZZY_WORD_LENGTH && /\p{L}/u.test(word);
}

/** A query after validation, in the form engines execute. */
export interface NormalizedQuery {
  /** Words matched by prefix (and fuzzily where supported); all must match. */
  words: string[];
  /** Quoted phrases as word lists; a one-word phrase is an exact word. All must match. */
  phrases: string[][];
  types?: string[];
  /** Lower-cased values per field. */
  filters: Array<[field: string, values: string[]]>;
  offset: number;
  limit: number;
  /** True when there is nothing to match, so every document (after filters) is a hit. */
  matchAll: boolean;
}

// Types and filter values are compared as written, so they must be text every engine can hold:
// PostgreSQL refuses a NUL or a lone surrogate in the middle of a statement. (The term is
// tokenized into letters and digits first, so it needs no such rule.)
const queryText = z
  .string()
  .refine((s) => !s.includes('\u0000'), 'must not contain a NUL character')
  .refine((s) => !hasLoneSurrogate(s), 'must be well-formed Unicode (no lone surrogate)');

const querySchema = z.object({
  term: z.string().max(MAX_TERM_LENGTH, `term must be at most ${MAX_TERM_LENGTH} characters`),
  types: z.array(queryText.min(1)).optional(),
  filters: z.record(queryText.min(1), z.union([queryText, z.array(queryText)])).optional(),
  pageCursor: z.string().optional(),
  pageLimit: z
    .number()
    .int('pageLimit must be an integer')
    .min(1, 'pageLimit must be at least 1')
    .max(MAX_PAGE_LIMIT, `pageLimit must be at most ${MAX_PAGE_LIMIT}`)
    .optional(),
});

/**
 * Validate a query and parse its term. Throws `InputError` (HTTP 400) naming every problem.
 */
export function normalizeQuery(query: SearchQuery): NormalizedQuery {
  const parsed = querySchema.safeParse(query);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
    throw new InputError(`Invalid search query: ${problems.join('; ')}`);
  }
  const { term, types, filters = {}, pageCursor, pageLimit } = parsed.data;
  const { words, phrases } = parseTerm(term);
  if (words.length + phrases.reduce((n, p) => n + p.length, 0) > MAX_WORDS) {
    throw new InputError(`Invalid search query: term has more than ${MAX_WORDS} words`);
  }
  return {
    words,
    phrases,
    ...(types && types.length > 0 ? { types: [...new Set(types)] } : {}),
    filters: normalizeFilters(filters),
    offset: pageCursor === undefined ? 0 : decodeCursor(pageCursor),
    limit: pageLimit ?? DEFAULT_PAGE_LIMIT,
    matchAll: words.length === 0 && phrases.length === 0,
  };
}

/** `foo "bar baz" qux` -> words [foo, qux], phrases [[bar, baz]]. An unclosed quote is plain words. */
function parseTerm(term: string): { words: string[]; phrases: string[][] } {
  const words: string[] = [];
  const phrases: string[][] = [];
  const parts = term.split('"');
  // Odd indexes are inside quotes, unless the last quote is never closed.
  const closed = parts.length % 2 === 1;
  parts.forEach((part, i) => {
    const tokens = tokenize(part);
    if (i % 2 === 1 && (closed || i < parts.length - 1)) {
      if (tokens.length > 0) phrases.push(tokens);
    } else {
      words.push(...tokens);
    }
  });
  return { words: [...new Set(words)], phrases };
}

function normalizeFilters(filters: SearchFilters): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  for (const [field, value] of Object.entries(filters)) {
    const values = (typeof value === 'string' ? [value] : [...value]).map((v) => v.toLowerCase());
    if (values.length > 0) out.push([field, [...new Set(values)]]);
  }
  return out;
}

/**
 * The lower-cased filterable values of a field: strings, numbers and booleans, or arrays of them.
 * Objects (like annotations) are searchable text but not filterable.
 */
export function facetValues(value: unknown): string[] | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return [String(value).toLowerCase()];
  }
  if (Array.isArray(value)) {
    const values = value
      .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .map((v) => String(v).toLowerCase());
    return values.length > 0 ? values : undefined;
  }
  return undefined;
}

/** The facet map engines store per document: every filterable field except `title`/`text`. */
export function facetsOf(document: SearchDocument): Record<string, string[]> {
  const facets: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === 'title' || key === 'text' || key === 'authorization') continue;
    const values = facetValues(value);
    if (values) facets[key] = values;
  }
  return facets;
}

/** True when `document` passes every filter of a normalized query. */
export function matchesFilters(facets: Record<string, string[]>, filters: NormalizedQuery['filters']): boolean {
  return filters.every(([field, wanted]) => {
    const have = facets[field];
    return have !== undefined && have.some((v) => wanted.includes(v));
  });
}

/**
 * Searchable text beyond title and text, weighted lowest: every string found in the other fields
 * (tags, owner, annotation values, ...), except `type` and `location` which are not content.
 */
export function extraTextOf(document: SearchDocument): string {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'number') out.push(String(value));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const [key, value] of Object.entries(document)) {
    // `authorization` says who may see the document; it is not content.
    if (key === 'type' || key === 'location' || key === 'title' || key === 'text' || key === 'authorization') continue;
    visit(value);
  }
  return out.join(' ');
}

/** Encode a result offset as an opaque cursor. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/** Decode a cursor made by {@link encodeCursor}; `InputError` for anything else. */
export function decodeCursor(cursor: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const offset = (value as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the InputError below: a cursor that is not ours is the caller's mistake.
  }
  throw new InputError(`Invalid search query: pageCursor is not a valid cursor`);
}

/** Cursors for the pages around `[offset, offset + limit)` of `total` results. */
export function pageCursors(offset: number, limit: number, total: number): { nextPageCursor?: string; previousPageCursor?: string } {
  return {
    ...(offset + limit < total ? { nextPageCursor: encodeCursor(offset + limit) } : {}),
    ...(offset > 0 ? { previousPageCursor: encodeCursor(Math.max(0, offset - limit)) } : {}),
  };
}

/** Validate documents; `InputError` listing every invalid one, so nothing is half-applied. */
export function validateDocuments(documents: readonly unknown[], expectedType?: string): SearchDocument[] {
  const problems: string[] = [];
  const valid: SearchDocument[] = [];
  documents.forEach((doc, i) => {
    const parsed = searchDocumentSchema.safeParse(doc);
    if (!parsed.success) {
      problems.push(`document ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'document'} ${x.message}`).join(', ')}`);
    } else if (expectedType !== undefined && parsed.data.type !== expectedType) {
      problems.push(`document ${i}: type '${parsed.data.type}' is not '${expectedType}'`);
    } else {
      valid.push(parsed.data);
    }
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ');
    const more = problems.length > 10 ? `; and ${problems.length - 10} more` : '';
    throw new InputError(`Invalid search documents: ${shown}${more}`);
  }
  return valid;
}
