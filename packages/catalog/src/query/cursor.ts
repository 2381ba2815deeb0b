import { InputError } from '@portalkit/core';
import { z } from 'zod';
import type { StoreOrder } from '../stores/types.js';
import { assertMaxDepth } from './depth.js';
import { MAX_FILTER_DEPTH } from './filter.js';
import { assertQueryText } from './query-text.js';
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

// Cursors come back from clients, so everything in them is checked before a store sees it.
/** The shape of a parsed {@link EntityFilter}, for checking the filters that cursors carry. */
export const entityFilterSchema: z.ZodType<EntityFilter> = z.lazy(() =>
  z.union([
    z.strictObject({ allOf: z.array(entityFilterSchema) }),
    z.strictObject({ anyOf: z.array(entityFilterSchema) }),
    z.strictObject({ not: entityFilterSchema }),
    z.strictObject({ key: z.string().min(1), values: z.array(z.string()).optional() }),
    z.strictObject({ key: z.string().min(1), prefix: z.string() }),
  ]),
) as z.ZodType<EntityFilter>;

const cursorSchema = z.object({
  v: z.literal(1),
  filter: entityFilterSchema.optional(),
  order: z.array(
    z.object({ field: z.string().min(1), order: z.enum(['asc', 'desc']), nulls: z.enum(['first', 'last']).optional() }),
  ),
  fullText: z.object({ term: z.string(), fields: z.array(z.string()) }).optional(),
  after: z.object({ values: z.array(z.string().nullable()), uid: z.string() }).optional(),
  direction: z.enum(['next', 'prev']),
  totalItems: z.boolean().optional(),
});

/**
 * Encode a cursor as opaque base64url text.
 * @example
 * ```ts
 * const cursor = encodeCursor({ order: [], direction: 'next', totalItems: true });
 * ```
 */
export function encodeCursor(state: CursorState): string {
  return writeCursorText({ v: 1, ...state });
}

/**
 * A value as opaque base64url cursor text; {@link readCursorText} reads it back.
 * @example
 * ```ts
 * const cursor = writeCursorText({ v: 1, after: 'l-42' });
 * ```
 */
export function writeCursorText(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Every key and string in a decoded cursor must be text a store can take (JSON escapes can spell NUL). */
function assertCursorText(value: unknown): void {
  const stack = [value];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node === 'string') assertQueryText(node, 'cursor');
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        assertQueryText(key, 'cursor');
        stack.push(child);
      }
    }
  }
}

/**
 * The JSON inside an opaque base64url cursor, checked against `schema`; anything else is an
 * `InputError`. Shared by entity and location cursors.
 * @example
 * ```ts
 * readCursorText(Buffer.from('{"v":1}').toString('base64url'), z.object({ v: z.literal(1) }));
 * ```
 */
export function readCursorText<T>(cursor: string, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    // Fatal: bytes that are not UTF-8 are a bad cursor, not text to patch with U+FFFD.
    parsed = JSON.parse(utf8.decode(Buffer.from(cursor, 'base64url')));
  } catch {
    throw new InputError('Malformed cursor, could not be parsed');
  }
  // A cursor's filter mirrors a predicate's nesting (plus the filter ANDed to it and the
  // cursor's envelope), so twice the predicate limit is ample for any cursor a query made.
  assertMaxDepth(parsed, 2 * MAX_FILTER_DEPTH + 4, 'cursor');
  assertCursorText(parsed);
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InputError('Malformed cursor');
  return result.data;
}

/**
 * Decode a cursor made by {@link encodeCursor}; anything else (including a well-formed cursor
 * whose contents were edited into something no query could produce) is an `InputError`.
 * @example
 * ```ts
 * decodeCursor(encodeCursor({ order: [], direction: 'next', totalItems: true })).direction; // 'next'
 * ```
 */
export function decodeCursor(cursor: string): CursorState {
  const c = readCursorText(cursor, cursorSchema);
  return {
    order: c.order.map((o) => ({ field: o.field, order: o.order, ...(o.nulls ? { nulls: o.nulls } : {}) })),
    direction: c.direction,
    totalItems: c.totalItems !== false,
    ...(c.filter ? { filter: c.filter } : {}),
    ...(c.fullText ? { fullText: c.fullText } : {}),
    ...(c.after ? { after: c.after } : {}),
  };
}
