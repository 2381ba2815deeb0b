import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BuildWarning, SearchIndexDoc } from '../types.js';

/** Bump when the cache layout or the rendering changes in a way old entries cannot express. */
export const CACHE_VERSION = 1;

/** What the previous build left behind for the next one. */
export interface BuildCache {
  version: number;
  /** Hash of config, nav (with titles), page list and file list: when it changes, every page renders. */
  layoutHash: string;
  pages: Record<string, CachedPage>;
  assets: Record<string, CachedAsset>;
  /** Every file the build wrote, relative to the output dir, so stale ones can be removed. */
  outputs: string[];
}

/** A rendered page: its source hash and what rendering it produced besides the HTML. */
export interface CachedPage {
  hash: string;
  output: string;
  docs: SearchIndexDoc[];
  warnings: BuildWarning[];
}

/** A copied asset, recognised as unchanged by size and mtime. */
export interface CachedAsset {
  size: number;
  mtimeMs: number;
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

/** Read a cache; anything missing, unreadable or from another version counts as no cache. */
export async function loadCache(file: string): Promise<BuildCache | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<BuildCache>;
    if (value.version !== CACHE_VERSION || typeof value.layoutHash !== 'string') return undefined;
    if (!value.pages || !value.assets || !Array.isArray(value.outputs)) return undefined;
    return value as BuildCache;
  } catch {
    return undefined;
  }
}

/** Write a cache (creating its directory). */
export async function saveCache(file: string, cache: BuildCache): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(cache));
}
