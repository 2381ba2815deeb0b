import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { CACHE_FILE_NAME } from '../generate/cache.js';

/**
 * The files of a built site to publish, relative with `/` separators, sorted: regular files only
 * (a link is not followed out of the build), without the builder's private cache file.
 *
 * @example
 * ```ts
 * await siteFiles('./site'); // ['index.html', 'search/search_index.json', 'techdocs_metadata.json']
 * ```
 */
export async function siteFiles(directory: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(directory, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && entry.name !== CACHE_FILE_NAME) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

/**
 * The `Cache-Control` stored with a published object: pages and metadata change with every
 * build, so caches revalidate them; other files (images, styles, the search index) may be
 * cached for an hour.
 *
 * @example
 * ```ts
 * cacheControlFor('index.html'); // 'no-cache'
 * ```
 */
export function cacheControlFor(file: string): string {
  return /\.html?$|(^|\/)techdocs_metadata\.json$/i.test(file) ? 'no-cache' : 'public, max-age=3600';
}
