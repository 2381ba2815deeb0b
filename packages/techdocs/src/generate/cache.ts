import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BuildWarning } from '../types.js';

/** Bump when the cache layout or the rendering changes in a way old entries cannot express. */
export const CACHE_VERSION = 4;

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
   * the index is joined from text instead of re-serialising every page, and a cache of a
   * thousand pages parses as a thousand strings rather than tens of thousands of objects.
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
    const value = JSON.parse(text) as Partial<BuildCache>;
    if (value.version !== CACHE_VERSION || typeof value.layoutHash !== 'string') return undefined;
    if (!value.pages || !value.assets || !Array.isArray(value.outputs)) return undefined;
    return { cache: value as BuildCache, text };
  } catch {
    return undefined;
  }
}

/** Write a cache (creating its directory), unless it is the text `previous` already holds. */
export async function saveCache(file: string, cache: BuildCache, previous?: LoadedCache): Promise<void> {
  const text = JSON.stringify(cache);
  if (previous?.text === text) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
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
