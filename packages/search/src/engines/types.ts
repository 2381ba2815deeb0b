import type { DocumentSelector, SearchDocument, SearchQuery, SearchResultSet } from '../types.js';
import type { EngineQueryOptions } from '../visibility.js';

/**
 * What an engine can do beyond the contract every engine meets.
 *
 * @example
 * ```ts
 * if (!engine.features.fuzzy) console.log('typos will not match');
 * ```
 */
export interface SearchEngineFeatures {
  /** Misspelled words still match (edit distance). */
  fuzzy: boolean;
  /**
   * The engine applies `query(q, { visibility })` (see `SearchVisibility`; the contract checks
   * it). Without it, search never trusts the engine to filter: a type a principal may see only
   * under conditions is left out of that principal's queries.
   */
  visibility?: boolean;
}

/**
 * Stores documents and answers queries. Every implementation passes the same contract suite
 * (`runEngineContract`), so they are interchangeable: the in-memory `memoryEngine()` and
 * `postgresEngine()`. Methods reject invalid documents with an `InputError` before changing anything.
 *
 * @example
 * ```ts
 * const engine: SearchEngine = memoryEngine();
 * await engine.index('software-catalog', docs);           // full replace of that type
 * await engine.upsert([changedDoc]);                       // add or replace by (type, location)
 * await engine.remove('software-catalog', [changedDoc.location]);
 * const page = await engine.query({ term: 'payments' });
 * await engine.close();
 * ```
 */
export interface SearchEngine {
  readonly features: SearchEngineFeatures;
  /**
   * Replace every document of `type` with `documents` (all of which must have that type).
   * Readers see the old or the new set, never a mix.
   */
  index(type: string, documents: Iterable<SearchDocument> | AsyncIterable<SearchDocument>): Promise<void>;
  /**
   * Add documents, replacing any with the same `(type, location)`. A document's
   * `authorization.facts` replace the stored facts of its `resourceRef`; facts of a ref no
   * document refers to any more are dropped.
   */
  upsert(documents: readonly SearchDocument[]): Promise<void>;
  /** Remove the selected documents of `type`; missing ones are ignored. */
  remove(type: string, selector: DocumentSelector): Promise<void>;
  /**
   * Run a query. `options.visibility` restricts types to the documents whose resource's facts
   * match a filter (see `SearchVisibility`), applied before ranking, counting and paging.
   */
  query(query: SearchQuery, options?: EngineQueryOptions): Promise<SearchResultSet>;
  /** Release resources (connections the engine opened itself). */
  close(): Promise<void>;
}
