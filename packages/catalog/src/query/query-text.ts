import { InputError, hasLoneSurrogate, toStorableText as coreToStorableText } from '@portalkit/core';
import type { CatalogStoreTransaction, RefreshStateSelector, StoreEntityQuery } from '../stores/types.js';
import type { EntityFilter } from './types.js';

/**
 * Text as every store can hold it: NUL dropped, a lone surrogate replaced by U+FFFD (core's
 * `toStorableText`). Entity search rows are built through it, so an entity's values match the
 * same queries on every store.
 *
 * @example
 * ```ts
 * toStorableText('a\u0000b\ud800'); // 'ab\ufffd'
 * ```
 */
export function toStorableText(value: string): string {
  return coreToStorableText(value);
}

/** At most this much of a bad value is quoted back in the error. */
const shownLength = 80;

function show(value: string): string {
  const text = value.length > shownLength ? `${value.slice(0, shownLength)}…` : value;
  // JSON escapes NUL and lone surrogates, so the message itself stays clean text.
  return JSON.stringify(text);
}

/**
 * Check one piece of text a caller hands to a store query: it must be a string, hold no NUL
 * character and be well-formed Unicode. PostgreSQL text can hold neither a NUL nor a lone
 * surrogate (it rejects the whole statement), so every store refuses them the same way, up
 * front, with an `InputError` (HTTP 400) that names the parameter.
 *
 * @example
 * ```ts
 * assertQueryText(term, 'fullTextFilter term'); // InputError: Invalid fullTextFilter term: "a\u0000b" contains a NUL character
 * ```
 */
export function assertQueryText(value: unknown, parameter: string): asserts value is string {
  if (typeof value !== 'string') throw new InputError(`Invalid ${parameter}: expected a string`);
  if (value.includes('\u0000')) throw new InputError(`Invalid ${parameter}: ${show(value)} contains a NUL character`);
  if (hasLoneSurrogate(value)) {
    throw new InputError(`Invalid ${parameter}: ${show(value)} is not well-formed Unicode (a lone surrogate)`);
  }
}

function assertEach(values: unknown, parameter: string): void {
  if (!Array.isArray(values)) throw new InputError(`Invalid ${parameter}: expected an array of strings`);
  for (const value of values) assertQueryText(value, parameter);
}

/**
 * Check every key, value and prefix of a filter tree (walked without recursion, so a deep tree
 * from a library caller cannot exhaust the stack here).
 *
 * @example
 * ```ts
 * assertFilterText({ key: 'kind', values: ['component'] });
 * ```
 */
export function assertFilterText(filter: EntityFilter, parameter = 'filter'): void {
  const stack: unknown[] = [filter];
  while (stack.length) {
    const node = stack.pop() as Record<string, unknown> | null;
    if (node === null || typeof node !== 'object') throw new InputError(`Invalid ${parameter}: each node must be an object`);
    if ('allOf' in node || 'anyOf' in node) {
      const children = node.allOf ?? node.anyOf;
      if (!Array.isArray(children)) throw new InputError(`Invalid ${parameter}: allOf/anyOf take an array`);
      stack.push(...children);
    } else if ('not' in node) {
      stack.push(node.not);
    } else {
      assertQueryText(node.key, `${parameter} key`);
      if ('prefix' in node) assertQueryText(node.prefix, `${parameter} value`);
      if (node.values !== undefined) assertEach(node.values, `${parameter} value`);
    }
  }
}

/**
 * Check the text of a store query: filter, full-text term and fields, order fields and the
 * position a cursor continues after. Every store calls it before running the query.
 *
 * @example
 * ```ts
 * assertStoreQuery({ filter: { key: 'kind', values: ['api'] }, order: [{ field: 'metadata.name', order: 'asc' }] });
 * ```
 */
export function assertStoreQuery(query: StoreEntityQuery): void {
  if (query === null || typeof query !== 'object') throw new InputError('Invalid query: expected an object');
  if (query.filter !== undefined) assertFilterText(query.filter);
  if (query.fullText !== undefined) {
    assertQueryText(query.fullText?.term, 'fullTextFilter term');
    assertEach(query.fullText.fields, 'fullTextFilter fields');
  }
  if (query.order !== undefined) {
    if (!Array.isArray(query.order)) throw new InputError('Invalid order: expected an array');
    for (const o of query.order) assertQueryText(o?.field, 'order field');
  }
  if (query.after !== undefined) {
    assertQueryText(query.after?.uid, 'cursor');
    if (!Array.isArray(query.after.values)) throw new InputError('Invalid cursor: expected sort values');
    for (const v of query.after.values) if (v !== null) assertQueryText(v, 'cursor');
  }
}

/**
 * Check a facets query: the facet field paths and the filter.
 *
 * @example
 * ```ts
 * assertFacetsQuery({ facets: ['spec.type'] });
 * ```
 */
export function assertFacetsQuery(query: { facets: readonly string[]; filter?: EntityFilter }): void {
  assertEach(query?.facets, 'facets');
  if (query.filter !== undefined) assertFilterText(query.filter);
}

/**
 * Check the refs, uids and keys a store looks rows up by (`getEntities`, `getRefreshStates`,
 * `getRelations`): an entity ref or uid from a request path reaches them unchanged.
 *
 * @example
 * ```ts
 * assertLookupKeys({ refs: ['component:default/a'] });
 * ```
 */
export function assertLookupKeys(selector: RefreshStateSelector & { uids?: readonly string[]; sourceRefs?: readonly string[] }): void {
  const names: Record<string, string> = {
    refs: 'entity ref',
    uids: 'uid',
    sourceRefs: 'entity ref',
    parentRefs: 'entity ref',
    rootKeys: 'root key',
    refreshKeys: 'refresh key',
  };
  for (const [field, parameter] of Object.entries(names)) {
    const values = (selector as Record<string, unknown>)[field];
    if (values !== undefined) assertEach(values, parameter);
  }
}

/**
 * Check a location before a store writes it: its id, type and target come from a request.
 *
 * @example
 * ```ts
 * assertLocationText({ id: 'a1', type: 'url', target: 'https://example.com/catalog-info.yaml', createdAt: new Date().toISOString() });
 * ```
 */
export function assertLocationText(location: Parameters<CatalogStoreTransaction['putLocation']>[0]): void {
  assertQueryText(location?.id, 'location id');
  assertQueryText(location.type, 'location type');
  assertQueryText(location.target, 'location target');
  assertQueryText(location.createdAt, 'location createdAt');
}
