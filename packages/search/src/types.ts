import { z } from 'zod';
import type { SerializedError } from '@portalkit/core';

/**
 * Schema of a {@link SearchDocument}: the four fields every document has, plus any extra
 * JSON fields (`kind`, `owner`, `lifecycle`, `tags`, ...) used for filtering and display.
 *
 * @example
 * ```ts
 * const doc = searchDocumentSchema.parse({
 *   type: 'software-catalog', title: 'Payments', text: 'Takes money', location: '/catalog/default/component/payments',
 *   kind: 'Component', owner: 'team-a',
 * });
 * ```
 */
export const searchDocumentSchema = z
  .object({
    /** The collator type that produced the document, e.g. `software-catalog` or `techdocs`. */
    type: z.string().min(1, 'type must not be empty'),
    title: z.string(),
    text: z.string(),
    /** Where the document lives in the portal; unique per `type`. */
    location: z.string().min(1, 'location must not be empty'),
    /** Who may see the document (see {@link DocumentAuthorization}). */
    authorization: z
      .object({
        resourceRef: z.string().min(1).max(1024),
        facts: z.record(z.string(), z.array(z.string().nullable())).optional(),
      })
      .optional(),
  })
  .catchall(z.unknown());

/**
 * Which resource a document belongs to, as Backstage's `authorization.resourceRef`: a collator
 * with a `visibilityPermission` sets it (the entity ref for catalog and TechDocs documents), and a
 * principal sees the document only when allowed to read that resource. `facts` are what
 * conditions read of the resource (for an entity, its `buildEntitySearch` rows as key -> values);
 * engines keep them per `resourceRef` (the last document to bring facts for a ref sets them, so
 * every document of the entity is judged by its current state) and never return them.
 *
 * @example
 * ```ts
 * const authorization: DocumentAuthorization = { resourceRef: 'component:default/payments', facts: { kind: ['component'], 'metadata.labels.tier': ['gold'] } };
 * ```
 */
export interface DocumentAuthorization {
  resourceRef: string;
  facts?: Record<string, Array<string | null>>;
}

/**
 * One searchable document. `(type, location)` identifies it: upserting the same pair replaces it.
 *
 * @example
 * ```ts
 * const doc: SearchDocument = { type: 'techdocs', title: 'Install', text: 'Run npm i', location: '/docs/default/component/foo/install/' };
 * ```
 */
export type SearchDocument = z.infer<typeof searchDocumentSchema>;

/**
 * Field filters: a document matches when, for every key, its field equals (case-insensitively)
 * one of the given values; an array-valued field (like `tags`) matches when it contains one.
 *
 * @example
 * ```ts
 * const filters: SearchFilters = { kind: 'Component', lifecycle: ['production', 'experimental'] };
 * ```
 */
export type SearchFilters = Record<string, string | readonly string[]>;

/**
 * A search request, shaped like Backstage's `SearchQuery`.
 *
 * @example
 * ```ts
 * const q: SearchQuery = { term: 'payments "card refund"', types: ['software-catalog'], filters: { kind: 'Component' }, pageLimit: 10 };
 * ```
 */
export interface SearchQuery {
  /** Words (prefix- and, where the engine can, fuzzy-matched; all must match) and `"quoted phrases"`. Empty matches everything. */
  term: string;
  /** Only documents of these types; default all. */
  types?: readonly string[];
  filters?: SearchFilters;
  /** Opaque cursor from a previous result's `nextPageCursor`/`previousPageCursor`. */
  pageCursor?: string;
  /** Results per page, 1..100; default 25. */
  pageLimit?: number;
}

/**
 * Highlighted field values of a result, as in Backstage: each value is the field's text (or, for long
 * text, a fragment of it) with matched terms wrapped in `preTag`/`postTag`. The text is HTML-escaped
 * (`&`, `<`, `>`, `"`, `'`) before the tags go in, so the tags are the only markup: with the default
 * `<mark>` tags a value can be rendered as HTML; a client that builds elements instead splits on the
 * tags and unescapes the pieces.
 *
 * @example
 * ```ts
 * const h: SearchResultHighlight = { preTag: '<mark>', postTag: '</mark>', fields: { title: '<mark>Pay</mark>ments' } };
 * ```
 */
export interface SearchResultHighlight {
  preTag: string;
  postTag: string;
  fields: Record<string, string>;
}

/**
 * One search hit.
 *
 * @example
 * ```ts
 * for (const r of page.results) console.log(r.rank, r.type, r.document.title, r.highlight?.fields.title);
 * ```
 */
export interface SearchResult {
  type: string;
  document: SearchDocument;
  /** Present when the query had a term. */
  highlight?: SearchResultHighlight;
  /** 1-based position of the hit in the whole result list (not only this page). */
  rank: number;
}

/**
 * A page of results, shaped like Backstage's `SearchResultSet`.
 *
 * @example
 * ```ts
 * const page: SearchResultSet = await search.query({ term: 'payments' });
 * if (page.nextPageCursor) await search.query({ term: 'payments', pageCursor: page.nextPageCursor });
 * ```
 */
export interface SearchResultSet {
  results: SearchResult[];
  nextPageCursor?: string;
  previousPageCursor?: string;
  /** Total number of matching documents over all pages. */
  numberOfResults: number;
}

/**
 * Which documents of a type to remove: a list of locations, or every document whose fields match
 * `filters` (e.g. `{ filters: { entityRef: 'component:default/foo' } }`).
 *
 * @example
 * ```ts
 * await engine.remove('techdocs', { filters: { entityRef: 'component:default/foo' } });
 * await engine.remove('software-catalog', ['/catalog/default/component/foo']);
 * ```
 */
export type DocumentSelector = readonly string[] | { filters: SearchFilters };

/**
 * What a principal may do with search: query, seeing only what the policy lets it see.
 *
 * @example
 * ```ts
 * const page = await search.forPrincipal(principal).query({ term: 'payments' });
 * ```
 */
export interface SearchReader {
  /** The collators' types. */
  readonly types: readonly string[];
  /**
   * Query as the principal: each type's `visibilityPermission` is asked once; denied types are
   * left out, conditional ones filtered in the engine, so results, `numberOfResults` and cursors
   * only ever count documents the principal may see.
   */
  query(query: SearchQuery): Promise<SearchResultSet>;
}

/**
 * The outcome of rebuilding one type. `ok: false` means collecting or indexing failed as a whole and
 * the type's previous documents were kept; per-item problems (one bad entity) are in `errors`
 * either way and never stop the rest.
 *
 * @example
 * ```ts
 * for (const r of await search.rebuild()) if (!r.ok) console.error(r.type, r.errors);
 * ```
 */
export type RebuildResult =
  | { type: string; ok: true; documents: number; errors: SerializedError[] }
  | { type: string; ok: false; errors: SerializedError[] };
