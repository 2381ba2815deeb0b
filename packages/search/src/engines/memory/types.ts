import type MiniSearch from 'minisearch';
import type { SearchDocument } from '../../types.js';
import type { IdMarks } from './id-marks.js';
import type { ScoreSheet } from './score-sheet.js';

/** One indexed document and what queries read of it besides MiniSearch's postings. */
export interface Entry {
  /** MiniSearch id: a small integer, so candidate sets can be typed-array marks (see IdMarks). */
  id: number;
  document: SearchDocument;
  facets: Record<string, string[]>;
  /** Searchable text of the other fields, kept for phrase checks. */
  extra: string;
  /**
   * The words of `extra` that are not in the title, which is what the index holds for it: a
   * catalog entity's name is also in its ref and annotations, and indexing it there again would
   * triple the postings every query on a name word scores, for a match the title already gives.
   */
  extraWords: string;
  /** The title's words joined by spaces, to spot a title that is exactly the query. */
  titleKey: string;
  /** Distinct indexed words per field (title, text, extra), as MiniSearch counts field lengths. */
  lengths: [number, number, number];
  /** The document's `authorization.resourceRef`: whose facts decide who sees it. */
  resourceRef?: string;
}

/**
 * One MiniSearch index per document type, so a full re-index of a type is an atomic swap. Its
 * data is read directly by the matcher's inner loop; `put` and `discard` keep it consistent.
 */
export interface TypeIndex {
  mini: MiniSearch<SearchDocument>;
  entries: Map<string, Entry>;
  /** Entries by id (ids are small integers; a removed entry's slot is empty until reused). */
  byId: Array<Entry | undefined>;
  nextId: number;
  /**
   * The entries' `lengths` again, at `id * 3 + field`: a query reads one for every posting it
   * walks, and a typed array is much cheaper to read than tens of thousands of scattered entries.
   */
  fieldLengths: Uint32Array;
  /** Sums of the entries' `lengths`, for average field lengths. */
  lengthSums: [number, number, number];
  /** Per field, word -> entry id -> frequency, for the words an entry has more than once. */
  repeats: [Map<string, Map<number, number>>, Map<string, Map<number, number>>, Map<string, Map<number, number>>];
  /** Ids of removed entries, reused so ids (and the marks array) stay as small as the index. */
  freeIds: number[];
  /**
   * field -> value -> entry ids, built on the first query filtering by that field and kept up to
   * date after, so filters cost a set lookup instead of a test of every hit.
   */
  facetIndex: Map<string, Map<string, Set<number>>>;
  marks: IdMarks;
  scores: ScoreSheet;
  /** The frequencies of the term being walked, for the entries that have it more than once. */
  frequencies: ScoreSheet;
  /** Add or replace the document at its location. */
  put(document: SearchDocument): void;
  /** Remove the document at `location`, if any. */
  discard(location: string): void;
}

/** What a query matched in one type's index: ids and their scores, side by side. */
export interface Matches {
  ids: number[];
  scores: Float64Array;
  /** The indexed terms the query's words matched, for highlighting (only the returned page is). */
  terms: readonly string[];
}

/** One type's matches, as kept for cursor continuation. */
export interface TypeMatches extends Matches {
  type: string;
  index: TypeIndex;
}

/** One result candidate across types. */
export interface Hit {
  entry: Entry;
  type: string;
  score: number;
  terms: readonly string[];
}

/** The indexed fields, in the order of `Entry.lengths` and the field bits (1 title, 2 text, 4 extra). */
export const FIELDS = ['title', 'text', 'extra'];
