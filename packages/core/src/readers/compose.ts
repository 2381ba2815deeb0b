import { NotAllowedError, NotImplementedError } from '../errors.js';
import { createFileReader, type FileReaderOptions } from './file.js';
import { createHttpReader, type HttpReaderOptions } from './http.js';
import type { UrlReader } from './types.js';

/**
 * Options of {@link createUrlReader}.
 * @example
 * ```ts
 * createUrlReader({ file: { root: process.cwd() }, http: { allow: [{ host: 'example.com' }] }, readers: [myReader] });
 * ```
 */
export interface UrlReaderOptions {
  /** Enables local files below `root` (see {@link createFileReader}). */
  file?: FileReaderOptions;
  /** Enables HTTP(S) on an allow-list (see {@link createHttpReader}). */
  http?: HttpReaderOptions;
  /** Further readers, asked before the file and http readers. */
  readers?: UrlReader[];
}

/**
 * Compose readers into one: each URL goes to the first reader whose `canRead(url)` is true;
 * a URL no reader accepts is a `NotAllowedError` naming it.
 *
 * @example
 * ```ts
 * const reader = createUrlReader({
 *   file: { root: process.cwd() },
 *   http: { allow: [{ host: 'raw.githubusercontent.com' }] },
 * });
 * await reader.read('file:./catalog-info.yaml');
 * ```
 */
export function createUrlReader(options: UrlReaderOptions = {}): UrlReader {
  const readers: UrlReader[] = [...(options.readers ?? [])];
  if (options.file) readers.push(createFileReader(options.file));
  if (options.http) readers.push(createHttpReader(options.http));
  const pick = (url: string): UrlReader => {
    const reader = readers.find((r) => r.canRead(url));
    if (!reader) throw new NotAllowedError(`no reader is allowed to read ${url}`);
    return reader;
  };
  return {
    canRead: (url) => readers.some((r) => r.canRead(url)),
    read: async (url, readOptions) => pick(url).read(url, readOptions),
    readTree: async (url, treeOptions) => pick(url).readTree(url, treeOptions),
    search: async (url, searchOptions) => {
      const reader = pick(url);
      if (!reader.search) throw new NotImplementedError(`the reader of ${url} cannot search (no glob support)`);
      return reader.search(url, searchOptions);
    },
  };
}
