import { createRankedCache } from '../ranked-cache.js';

/** How many pages of ranked keys a query keeps beyond the one it returns, for the cursors that follow. */
export const PAGES_AHEAD = 3;

/** Ranked lists kept per engine (the memory engine keeps as many). */
const RANKED_LISTS = 16;

/** A stretch of one query's ranking: the keys of hits `start`, `start + 1`, … in rank order. */
export interface RankedWindow {
  /** The write generation the ranking was read at (see {@link RankedPages}). */
  generation: string;
  total: number;
  start: number;
  keys: Array<{ type: string; locationKey: Buffer }>;
  /** The fuzzy alternatives the query was run with, so a continued page highlights the same words. */
  alternatives: Map<string, string[]>;
}

/**
 * Ranked windows of recent queries, for cursor continuation on PostgreSQL: a request following a
 * cursor asks for the same query at a later offset, and without this every page would match,
 * rank and count every hit again. A window is only used while the schema's write generation (a
 * row every write of any process moves on in its own transaction) is still the one it was read
 * at; the page's statement reads the generation, so a stale window costs one wasted statement,
 * never a stale page.
 */
export interface RankedPages {
  /** The window of `key` holding `[offset, offset + limit)`, or the end of the list; else undefined. */
  get(key: string, offset: number, limit: number): RankedWindow | undefined;
  set(key: string, window: RankedWindow): void;
  /** Forget every window (after a write of this process). */
  clear(): void;
}

/** A {@link RankedPages} keeping the last {@link RANKED_LISTS} queries' windows. */
export function createRankedPages(): RankedPages {
  const windows = createRankedCache<RankedWindow>(RANKED_LISTS);
  return {
    get(key, offset, limit) {
      const window = windows.get(key);
      if (!window || offset < window.start) return undefined;
      const end = window.start + window.keys.length;
      return offset + limit <= end || end >= window.total ? window : undefined;
    },
    set: windows.set,
    clear: windows.clear,
  };
}
