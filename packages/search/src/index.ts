/**
 * @portalkit/search — search across the catalog and TechDocs. Collators turn entities and MkDocs
 * search indexes into documents; an engine (in-memory MiniSearch by default, PostgreSQL full-text
 * search for scale) stores and ranks them; `createSearch` keeps them current from the event bus and
 * serves Backstage's search HTTP API.
 */
export { searchDocumentSchema } from './types.js';
export { MAX_FUZZY_WORD_LENGTH } from './query.js';
export type {
  DocumentAuthorization,
  DocumentSelector,
  RebuildResult,
  SearchDocument,
  SearchFilters,
  SearchQuery,
  SearchReader,
  SearchResult,
  SearchResultHighlight,
  SearchResultSet,
} from './types.js';
export type { SearchEngine, SearchEngineFeatures } from './engines/types.js';
export { memoryEngine } from './engines/memory/index.js';
export type { MemoryEngineOptions } from './engines/memory/index.js';
export { postgresEngine } from './engines/postgres/index.js';
export type { PostgresEngineOptions } from './engines/postgres/index.js';
export type { Collator, CollatorContext, CollatorUpdate } from './collators/types.js';
export type { SearchableEntity } from './collators/entity.js';
export { catalogCollator, entityToDocument } from './collators/catalog.js';
export type { CatalogCollatorOptions, CatalogEntityDocument } from './collators/catalog.js';
export { siteToDocuments, techdocsCollator } from './collators/techdocs.js';
export type { MkDocsSearchIndex, TechDocsCollatorOptions, TechDocsSite } from './collators/techdocs.js';
export { createSearch } from './create-search.js';
export type { Search, SearchEventSource, SearchLibrary, SearchOptions } from './search.js';
export { entityFacts } from './visibility.js';
export type { EngineQueryOptions, SearchVisibility } from './visibility.js';
export { createSearchHandler, parseSearchParams } from './http.js';
export type { SearchHandlerOptions } from './http.js';
export { searchPlugin } from './plugin.js';
export { searchConfigSchema } from './config.js';
export type { SearchConfig } from './config.js';
export type { SearchPluginOptions } from './plugin.js';
