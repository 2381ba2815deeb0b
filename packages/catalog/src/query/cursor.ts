import { InputError } from '@portalkit/core';
import type { StoreOrder } from '../stores/types.js';
import type { EntityFilter } from './types.js';

/**
 * What a query cursor carries: the whole query (so later pages cannot change it), the sort key
 * and uid to continue after, and the direction.
 */
export interface CursorState {
  filter?: EntityFilter;
  order: StoreOrder[];
  fullText?: { term: string; fields: string[] };
  after?: { values: (string | null)[]; uid: string };
  direction: 'next' | 'prev';
  totalItems: boolean;
}

/**
 * Encode a cursor as opaque base64url text.
 * @example
 * ```ts
 * const cursor = encodeCursor({ order: [], direction: 'next', totalItems: true });
 * ```
 */
export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify({ v: 1, ...state }), 'utf8').toString('base64url');
}

/**
 * Decode a cursor made by {@link encodeCursor}; anything else is an `InputError`.
 * @example
 * ```ts
 * decodeCursor(encodeCursor({ order: [], direction: 'next', totalItems: true })).direction; // 'next'
 * ```
 */
export function decodeCursor(cursor: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('Malformed cursor, could not be parsed');
  }
  const c = parsed as Partial<CursorState> & { v?: unknown };
  if (
    !c ||
    typeof c !== 'object' ||
    c.v !== 1 ||
    !Array.isArray(c.order) ||
    (c.direction !== 'next' && c.direction !== 'prev') ||
    (c.after !== undefined && (typeof c.after.uid !== 'string' || !Array.isArray(c.after.values)))
  ) {
    throw new InputError('Malformed cursor');
  }
  return {
    order: c.order,
    direction: c.direction,
    totalItems: c.totalItems !== false,
    ...(c.filter ? { filter: c.filter } : {}),
    ...(c.fullText ? { fullText: c.fullText } : {}),
    ...(c.after ? { after: c.after } : {}),
  };
}
