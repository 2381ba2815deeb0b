import { InputError } from '@portalkit/core';
import type { EntityOrder } from '../query/types.js';

/**
 * Query-string parsing shared by the catalog routes, with Backstage's rules and messages.
 * Each parser takes the raw values of one parameter (`url.searchParams.getAll(name)`).
 */

/** One optional string parameter; repeating it is an error rather than a silent pick. */
export function parseStringParam(values: readonly string[], name: string): string | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new InputError(`Invalid ${name}, expected a single value`);
  return values[0];
}

/** A base-10 integer written plainly (`10`, not `1e1`, ` 10` or `10.0`), as Backstage checks it. */
export function parseIntegerParam(values: readonly string[], name: string): number | undefined {
  const value = parseStringParam(values, name);
  if (value === undefined) return undefined;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isSafeInteger(parsed) || String(parsed) !== value) throw new InputError(`Invalid ${name}, not an integer`);
  return parsed;
}

/**
 * `limit`, between `min` and `max`. Larger values are rejected rather than clamped: `GET
 * /entities` answers a bare array (the client ignores the `Link` header), so a clamped page
 * would look like the whole result and silently lose entities.
 */
export function parseLimitParam(values: readonly string[], options: { min: number; max: number }): number | undefined {
  return checkLimit(parseIntegerParam(values, 'limit'), options);
}

/** A `limit` from a query string or a JSON body, within `min` and `max` (see {@link parseLimitParam}). */
export function checkLimit(limit: number | undefined, options: { min: number; max: number }): number | undefined {
  if (limit === undefined) return undefined;
  if (limit < options.min) {
    throw new InputError(options.min > 0 ? 'Invalid limit, must be greater than zero' : 'Invalid limit, must be zero or greater');
  }
  if (limit > options.max) throw new InputError(`Invalid limit, must be at most ${options.max}`);
  return limit;
}

/** `offset`, zero or greater. */
export function parseOffsetParam(values: readonly string[]): number | undefined {
  const offset = parseIntegerParam(values, 'offset');
  if (offset !== undefined && offset < 0) throw new InputError('Invalid offset, must be zero or greater');
  return offset;
}

/** `GET /entities`'s `order=asc:metadata.name` directives. */
export function parseOrderParams(values: readonly string[]): EntityOrder[] | undefined {
  if (!values.length) return undefined;
  return values.map((item) => {
    const match = /^(asc|desc):(.+)$/.exec(item);
    if (!match) throw new InputError(`Invalid order parameter "${item}", expected "<asc or desc>:<field name>"`);
    return { order: match[1] as EntityOrder['order'], field: match[2]! };
  });
}

/** `GET /entities/by-query`'s `orderField=metadata.name,desc` directives; the order defaults to `asc`. */
export function parseOrderFieldParams(values: readonly string[]): EntityOrder[] | undefined {
  if (!values.length) return undefined;
  return values.map((item) => {
    const [field, order = 'asc', ...rest] = item.split(',');
    if (!field?.trim() || rest.length) throw new InputError(`Invalid orderField "${item}", expected "<field name>,<asc or desc>"`);
    if (order !== 'asc' && order !== 'desc') throw new InputError('Invalid order field order, must be asc or desc');
    return { field: field.trim(), order };
  });
}

/** A flag like `dryRun=true`, read the way Backstage's `yn` reads it; anything unrecognized is false. */
export function parseBooleanParam(values: readonly string[], name: string): boolean {
  const value = parseStringParam(values, name)?.trim().toLowerCase();
  return value === 'true' || value === 'yes' || value === 'y' || value === '1' || value === 'on';
}

/** A comma-separated list parameter (`fullTextFilterFields=metadata.name,metadata.title`). */
export function parseCommaListParam(values: readonly string[]): string[] | undefined {
  const list = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return list.length ? list : undefined;
}
