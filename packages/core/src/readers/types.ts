/**
 * Options of a single read.
 * @example
 * ```ts
 * await reader.read(url, { etag: previous.etag, signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface ReadOptions {
  /** Abort the read. */
  signal?: AbortSignal;
  /** An etag from an earlier read; a reader may answer with `NotModifiedError`. */
  etag?: string;
}

/**
 * The result of reading one URL.
 * @example
 * ```ts
 * const { buffer, etag }: ReadResponse = await reader.read('file:./catalog-info.yaml');
 * ```
 */
export interface ReadResponse {
  buffer: Buffer;
  /** A content hash or server etag, usable for caching. */
  etag: string;
}

/**
 * One file of a tree read. `path` is relative to the tree root and uses `/`.
 * @example
 * ```ts
 * for (const file of tree.files) console.log(file.path, (await file.content()).length);
 * ```
 */
export interface TreeFile {
  path: string;
  content: () => Promise<Buffer>;
}

/**
 * The result of reading a directory tree.
 * @example
 * ```ts
 * const tree: ReadTreeResponse = await reader.readTree('./docs');
 * await tree.writeTo('/tmp/docs');
 * ```
 */
export interface ReadTreeResponse {
  files: TreeFile[];
  etag: string;
  /** Write the tree into `targetDir` (created if missing). */
  writeTo(targetDir: string): Promise<void>;
}

/**
 * Reads files and trees by URL. The catalog reads `url` locations and placeholders with it,
 * techdocs prepares `url:` sources with it.
 *
 * @example
 * ```ts
 * const reader = createUrlReader({ file: { root: process.cwd() } });
 * const { buffer } = await reader.read('file:./catalog-info.yaml');
 * ```
 */
export interface UrlReader {
  /** True when this reader handles the URL (by scheme and allow-list). */
  canRead(url: string): boolean;
  read(url: string, options?: ReadOptions): Promise<ReadResponse>;
  readTree(url: string, options?: ReadOptions & { filter?: (path: string) => boolean }): Promise<ReadTreeResponse>;
  /**
   * Files matching a glob URL (e.g. `https://github.com/org/repo/blob/main/**\/catalog-info.yaml`).
   * Optional: a reader without it cannot serve glob locations (`NotImplementedError`).
   */
  search?(url: string, options?: ReadOptions): Promise<SearchResponse>;
}

/**
 * The result of a glob search: each file's full URL (as `read` accepts it) and its content.
 * @example
 * ```ts
 * for (const file of (await reader.search!(glob)).files) console.log(file.url);
 * ```
 */
export interface SearchResponse {
  files: Array<{ url: string; content: () => Promise<Buffer> }>;
  /** Changes when any matched file (or the set of matches) changes. */
  etag: string;
}
