
export type { EntitiesPrefixFilter, EntitiesSearchFilter, EntityFilter } from '@portalkit/catalog-model';

/**
 * Types of the catalog query language, shaped like `@backstage/catalog-client` so the HTTP layer
 * can pass Backstage requests through unchanged.
 */

/**
 * Use in place of a filter value to ask only that the key exists, whatever its value. It is the
 * same registered symbol as `@backstage/catalog-client`'s, so filters built with either package
 * mean the same thing.
 *
 * @example
 * ```ts
 * await catalog.getEntities({ filter: { 'spec.owner': CATALOG_FILTER_EXISTS } });
 * ```
 */
export const CATALOG_FILTER_EXISTS: unique symbol = Symbol.for(
  'CATALOG_FILTER_EXISTS_0e15b590c0b343a2bae3e787e84c2111',
) as never;

/**
 * Backstage's key/value filter. An array is an OR of filter sets; inside one set the keys are
 * ANDed; several values of one key are ORed. Matching is case-insensitive.
 *
 * @example
 * ```ts
 * const filter: EntityFilterQuery = [{ kind: 'component', 'spec.type': 'service' }, { kind: 'api' }];
 * ```
 */
export type EntityFilterQuery =
  | Record<string, string | symbol | (string | symbol)[]>[]
  | Record<string, string | symbol | (string | symbol)[]>;

/**
 * One ordering directive. Entities lacking the field sort last whatever the direction, as in
 * Backstage.
 *
 * @example
 * ```ts
 * const order: EntityOrder = { field: 'metadata.name', order: 'asc' };
 * ```
 */
export interface EntityOrder {
  field: string;
  order: 'asc' | 'desc';
}

/**
 * Full-text filter: `term` is matched as a case-insensitive substring of any of `fields`
 * (default: the first order field, else `metadata.uid`, like Backstage).
 *
 * @example
 * ```ts
 * const text: FullTextFilter = { term: 'pay', fields: ['metadata.name', 'metadata.title'] };
 * ```
 */
export interface FullTextFilter {
  term: string;
  fields?: string[];
}
