import { NotFoundError, type ReadOptions, type ReadTreeResponse, type SearchResponse, type UrlReader } from '@portalkit/core';
import { Minimatch } from 'minimatch';

/** Options of {@link searchByTree}. */
export interface TreeSearchOptions extends ReadOptions {
  /** The glob, as a path inside the repository (`**\/catalog-info.yaml`). */
  pattern: string;
  /** The URL of the repository directory `dir` at the searched ref (a tree URL). */
  treeUrl: (dir: string) => string;
  /** The URL of a file at the searched ref (a blob URL `read` accepts). */
  fileUrl: (path: string) => string;
  reader: Pick<UrlReader, 'read'> & { readTree(url: string, options?: ReadOptions & { filter?: (path: string) => boolean }): Promise<ReadTreeResponse> };
}

/**
 * A glob search as Backstage's Bitbucket readers do it: a pattern without magic is one read
 * (missing means no match); otherwise the tree below the pattern's static prefix is read once
 * (with the integration's limits) and its paths are matched with minimatch.
 */
export async function searchByTree(options: TreeSearchOptions): Promise<SearchResponse> {
  const matcher = new Minimatch(options.pattern);
  const readOptions = { ...(options.etag ? { etag: options.etag } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  if (!matcher.hasMagic()) {
    try {
      const file = await options.reader.read(options.fileUrl(options.pattern), readOptions);
      return { files: [{ url: options.fileUrl(options.pattern), content: async () => file.buffer }], etag: file.etag };
    } catch (error) {
      if (error instanceof NotFoundError) return { files: [], etag: '' };
      throw error;
    }
  }
  const segments = options.pattern.split('/');
  const firstMagic = segments.findIndex((segment) => new Minimatch(segment).hasMagic());
  const prefix = segments.slice(0, firstMagic).join('/');
  const tree = await options.reader.readTree(options.treeUrl(prefix), {
    ...readOptions,
    filter: (path) => matcher.match(prefix ? `${prefix}/${path}` : path),
  });
  return {
    files: tree.files.map((file) => ({ url: options.fileUrl(prefix ? `${prefix}/${file.path}` : file.path), content: file.content })),
    etag: tree.etag,
  };
}
