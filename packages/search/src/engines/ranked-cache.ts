/**
 * The last few ranked hit lists, keyed by query, for cursor continuation: following a cursor asks
 * for the same query at a later offset, and without this every page would match and score the
 * whole query again. Least recently used lists are dropped first. The engine only reads it for
 * requests that carry a cursor (a first page always runs the query) and clears it on every write,
 * so a continued page never shows documents older than the index.
 */
export interface RankedCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  clear(): void;
}

/** A {@link RankedCache} holding at most `capacity` lists. */
export function createRankedCache<T>(capacity: number): RankedCache<T> {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  const lists = new Map<string, T>();
  return {
    get(key) {
      const value = lists.get(key);
      if (value !== undefined) {
        lists.delete(key);
        lists.set(key, value);
      }
      return value;
    },
    set(key, value) {
      lists.delete(key);
      lists.set(key, value);
      while (lists.size > capacity) lists.delete(lists.keys().next().value!);
    },
    clear() {
      lists.clear();
    },
  };
}

/** Stands for `undefined` in a {@link cacheKey} (JSON has no such value). */
const UNDEFINED = { undefined: true };

/**
 * The cache key of a query or filter. Unlike `JSON.stringify` alone it keeps fields set to
 * `undefined`: filters are told apart by which fields they have (`'prefix' in filter`), so
 * `{ key, prefix: undefined }` (matches nothing) must not share a key with `{ key }`.
 */
export function cacheKey(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (v === undefined ? UNDEFINED : v));
}
