import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BuildWarning } from '../types.js';

/** Bump when the cache layout or the rendering changes in a way old entries cannot express. */
export const CACHE_VERSION = 5;

/** What the previous build left behind for the next one. */
export interface BuildCache {
  version: number;
  /** Hash of config, nav (with titles), page list and file list: when it changes, every page renders. */
  layoutHash: string;
  pages: Record<string, CachedPage>;
  assets: Record<string, CachedAsset>;
  /** Every file the build wrote, relative to the output dir, so stale ones can be removed. */
  outputs: string[];
  /** Page order of the search index written; with no page rendered, the same order means the same index. */
  searchKey?: string;
}

/** A rendered page: its source hash and what rendering it produced besides the HTML. */
export interface CachedPage extends SourceStat {
  hash: string;
  /** Front matter title or first heading of the source, if any (the nav needs it unrendered). */
  title?: string;
  output: string;
  /**
   * The page's search index entries as the JSON text of their array without its brackets, so
   * the index is joined from text instead of re-serialising every page. Stored as a line of its
   * own in the cache file (see {@link serializeCache}).
   */
  docs: string;
  warnings: BuildWarning[];
}

/**
 * What a source's `stat` said when it was last hashed. A source whose size, mtime and ctime are
 * unchanged, and whose mtime is safely older than that moment, is not read or hashed again.
 */
export interface SourceStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** `Date.now()` just before the stat; a later change in the same timestamp tick is caught by it. */
  checkedAt: number;
}

/** A copied asset, recognised as unchanged by its stat (see {@link statUnchanged}) or its hash. */
export interface CachedAsset extends SourceStat {
  hash: string;
}

/** The default cache file name inside the output directory. */
export const CACHE_FILE_NAME = '.techdocs-cache.json';

/**
 * Where the cache of a build lives: inside the output dir by default, or in `cacheDir` under a
 * name derived from the output path (so several sites can share one cache dir).
 */
export function cacheFilePath(output: string, cacheDir?: string): string {
  if (!cacheDir) return path.join(output, CACHE_FILE_NAME);
  const key = createHash('sha256').update(path.resolve(output)).digest('hex').slice(0, 16);
  return path.join(cacheDir, `techdocs-${key}.json`);
}

/** A cache as read, with its text so an unchanged cache is not written again. */
export interface LoadedCache {
  cache: BuildCache;
  text: string;
}

/** Read a cache; anything missing, unreadable or from another version counts as no cache. */
export async function loadCache(file: string): Promise<LoadedCache | undefined> {
  try {
    // One read of a few MB: fs/promises reads it in 512 KB rounds through the thread pool,
    // each waiting its turn on a busy machine (70 ms seen right after a full build).
    const text = readFileSync(file, 'utf8');
    const cache = parseCache(text);
    return cache && { cache, text };
  } catch {
    return undefined;
  }
}

/** Write a cache (creating its directory), unless it is the text `previous` already holds. */
export async function saveCache(file: string, cache: BuildCache, previous?: LoadedCache): Promise<void> {
  const text = serializeCache(cache);
  if (previous?.text === text) return;
  // Synchronous, like the read: a few MB in one call rather than Buffer copies and thread-pool rounds.
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * The cache file's text: one line of JSON with everything but the pages' search entries, then a
 * line per page, its source path as a JSON string, a tab and its `docs` as they are. The entries
 * are most of the file (~3 MB for 1000 pages); kept out of the JSON they are neither escaped
 * again on every save nor unescaped on every load, which was half of a 1-page rebuild.
 *
 * @example
 * ```ts
 * parseCache(serializeCache(cache)); // a cache equal to `cache`
 * ```
 */
export function serializeCache(cache: BuildCache): string {
  const pages: Record<string, Omit<CachedPage, 'docs'>> = {};
  const lines: string[] = [];
  for (const [src, { docs, ...page }] of Object.entries(cache.pages)) {
    pages[src] = page;
    // JSON text holds no raw newline, and a JSON string no raw tab: both split unambiguously.
    lines.push(`${JSON.stringify(src)}\t${docs}`);
  }
  return [JSON.stringify({ ...cache, pages }), ...lines].join('\n');
}

/**
 * Read what {@link serializeCache} wrote; `undefined` for anything else (another version, a
 * truncated file, a page without its entries).
 *
 * @example
 * ```ts
 * const cache = parseCache(readFileSync(file, 'utf8'));
 * ```
 */
export function parseCache(text: string): BuildCache | undefined {
  const headerEnd = text.indexOf('\n');
  let value: Partial<BuildCache>;
  try {
    value = JSON.parse(headerEnd < 0 ? text : text.slice(0, headerEnd)) as Partial<BuildCache>;
  } catch {
    return undefined;
  }
  if (!value || value.version !== CACHE_VERSION || typeof value.layoutHash !== 'string') return undefined;
  if (!value.pages || typeof value.pages !== 'object' || !value.assets || !Array.isArray(value.outputs)) return undefined;
  const pages = value.pages;
  let found = 0;
  for (let at = headerEnd + 1; headerEnd >= 0 && at <= text.length; ) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const tab = text.indexOf('\t', at);
    if (tab < 0 || tab > end) return undefined;
    let src: unknown;
    try {
      src = JSON.parse(text.slice(at, tab));
    } catch {
      return undefined;
    }
    const page = typeof src === 'string' && Object.hasOwn(pages, src) ? pages[src] : undefined;
    if (!page || typeof page !== 'object' || page.docs !== undefined) return undefined;
    page.docs = text.slice(tab + 1, end);
    found++;
    at = end + 1;
  }
  return found === Object.keys(pages).length ? (value as BuildCache) : undefined;
}

// Kernel file times come from a coarse clock that can lag Date.now() by a tick, and some file
// systems keep whole (or even) seconds only: a stat is trusted when the mtime is that much
// older than the moment the source was last hashed.
const clockSlackMs = 50;
const coarseSlackMs = 2000;

/**
 * True when a source's current `stat` proves it unchanged since it was hashed (`cached`):
 * same size, mtime and ctime, and the mtime old enough that a same-tick edit cannot hide.
 *
 * @example
 * ```ts
 * if (statUnchanged(cached, statSync(file))) reuse(cached.hash);
 * ```
 */
export function statUnchanged(
  cached: Partial<SourceStat> | undefined,
  info: { size: number; mtimeMs: number; ctimeMs: number },
): boolean {
  if (!cached || cached.checkedAt === undefined) return false;
  if (cached.size !== info.size || cached.mtimeMs !== info.mtimeMs || cached.ctimeMs !== info.ctimeMs) return false;
  const slack = info.mtimeMs % 1000 === 0 ? coarseSlackMs : clockSlackMs;
  return info.mtimeMs + slack < cached.checkedAt;
}
