import type { EntityFilter } from '@portalkit/catalog-model';
import { buildEntitySearch } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { DocumentAuthorization, SearchDocument } from './types.js';

/**
 * Which documents of each type a query may return, computed from the principal's decisions: a
 * type listed here returns only documents whose resource's facts (see `DocumentAuthorization`)
 * match its filter; a document without a `resourceRef`, or whose resource has no facts, is
 * hidden. Types not listed are unrestricted. Engines apply it before ranking, counting and paging.
 *
 * @example
 * ```ts
 * await engine.query({ term: 'payments' }, { visibility: { 'software-catalog': { key: 'kind', values: ['component'] } } });
 * ```
 */
export type SearchVisibility = Readonly<Record<string, EntityFilter>>;

/**
 * Options an engine's `query` takes besides the query itself.
 *
 * @example
 * ```ts
 * const options: EngineQueryOptions = { visibility: { techdocs: { not: { key: 'metadata.labels.restricted' } } } };
 * ```
 */
export interface EngineQueryOptions {
  visibility?: SearchVisibility;
}

/** What engines keep of a document's authorization: the document as returned, and the facts to store per ref. */
export interface SplitDocument {
  document: SearchDocument;
  resourceRef?: string;
  facts?: DocumentAuthorization['facts'];
}

/** Take the facts out of a document (they are stored per resource, never returned). */
export function splitAuthorization(document: SearchDocument): SplitDocument {
  const authorization = document.authorization;
  if (!authorization) return { document };
  const { facts, ...kept } = authorization;
  return { document: { ...document, authorization: kept }, resourceRef: authorization.resourceRef, ...(facts ? { facts } : {}) };
}

/**
 * The facts of an entity that permission conditions read: its `buildEntitySearch` rows (the rows
 * the catalog's stores filter on), as key -> values.
 *
 * @example
 * ```ts
 * entityFacts({ apiVersion: 'v1', kind: 'Component', metadata: { name: 'a' } }).kind; // ['component']
 * ```
 */
export function entityFacts(entity: Entity): Record<string, Array<string | null>> {
  const facts: Record<string, Array<string | null>> = Object.create(null);
  for (const row of buildEntitySearch(entity)) {
    const values = facts[row.key];
    if (values) values.push(row.value);
    else facts[row.key] = [row.value];
  }
  return facts;
}
