import { InputError } from '@portalkit/core';
import { z } from 'zod';
import type { Location } from '../location.js';
import { entityFilterSchema, readCursorText, writeCursorText } from './cursor.js';
import { matchesEntityFilter, parseFilterPredicate } from './filter.js';
import type { FilterPredicate } from './filter.js';
import type { EntityFilter } from './types.js';

/** Backstage's page size when the client streams locations; also the default here. */
export const DEFAULT_LOCATIONS_LIMIT = 500;

const limitSchema = z.number().int().nonnegative();

/**
 * A `queryLocations` request (Backstage's `QueryLocationsRequest`): a first page with an
 * optional predicate over `id`, `type`, `target` and `entityRef`, or the next page's cursor.
 */
export const queryLocationsRequestSchema = z.union([
  z.strictObject({ cursor: z.string().min(1), limit: limitSchema.optional() }),
  z.strictObject({ query: z.record(z.string(), z.unknown()).optional(), limit: limitSchema.optional() }),
]);
/** See {@link queryLocationsRequestSchema}; `query` takes a {@link FilterPredicate}. */
export type QueryLocationsRequest = z.input<typeof queryLocationsRequestSchema>;

/** Result of `queryLocations` (Backstage's `QueryLocationsResponse`). */
export interface QueryLocationsResult {
  items: Location[];
  totalItems: number;
  pageInfo: { nextCursor?: string };
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  filter: entityFilterSchema.optional(),
  limit: limitSchema,
  after: z.string(),
});

const lookupOf = (location: Location) => {
  const fields: Record<string, string> = {
    id: location.id,
    type: location.type,
    target: location.target,
    entityref: location.entityRef,
  };
  return (key: string) => {
    const value = fields[key];
    return value === undefined ? undefined : [value.toLowerCase()];
  };
};

/**
 * One page of `locations` matching a request, in id order, with the total of all matches.
 * The cursor carries the predicate, so later pages answer the same question; a location
 * added or removed between pages neither repeats nor shifts the others.
 *
 * @example
 * ```ts
 * const page = queryLocationList(await catalog.getLocations(), { query: { target: { $hasPrefix: 'https://github.com/acme/' } }, limit: 20 });
 * ```
 */
export function queryLocationList(locations: readonly Location[], request: QueryLocationsRequest = {}): QueryLocationsResult {
  const checked = queryLocationsRequestSchema.safeParse(request);
  if (!checked.success) throw new InputError(`Invalid locations query: ${checked.error.issues[0]?.message ?? 'malformed'}`);
  const input = checked.data;
  let state: { filter?: EntityFilter; limit: number; after?: string };
  if ('cursor' in input) {
    const { filter, limit, after } = readCursorText(input.cursor, cursorSchema);
    state = { ...(filter ? { filter } : {}), limit: input.limit ?? limit, after };
  } else {
    const hasQuery = input.query !== undefined && Object.keys(input.query).length > 0;
    state = { ...(hasQuery ? { filter: parseFilterPredicate(input.query) } : {}), limit: input.limit ?? DEFAULT_LOCATIONS_LIMIT };
  }
  const matches = locations
    .filter((l) => !state.filter || matchesEntityFilter(state.filter, lookupOf(l)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = state.after === undefined ? 0 : matches.findIndex((l) => l.id > state.after!);
  const from = start === -1 ? matches.length : start;
  const items = matches.slice(from, from + state.limit);
  const last = items.at(-1);
  const more = last !== undefined && from + items.length < matches.length;
  const nextCursor = more
    ? writeCursorText({ v: 1, ...(state.filter ? { filter: state.filter } : {}), limit: state.limit, after: last.id })
    : undefined;
  return { items, totalItems: matches.length, pageInfo: nextCursor ? { nextCursor } : {} };
}
