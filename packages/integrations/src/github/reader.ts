import type { UrlReader } from '@portalkit/core';
import type { Octokit } from '@octokit/rest';
import type { ScmLocation, TreeLimits } from '../types.js';
import { readGithubFile } from './read-file.js';
import { readGithubTree } from './read-tree.js';
import { searchGithub } from './search.js';

/**
 * Options of {@link createGithubReader}.
 * @example
 * ```ts
 * const options: GithubReaderOptions = { parse, octokitFor, limits: { maxBytes: 1e8, maxFiles: 20_000 } };
 * ```
 */
export interface GithubReaderOptions {
  /** This host's URL grammar (throws `InputError` for anything else). */
  parse(url: string): ScmLocation;
  /** An Octokit with the owner's credentials, pointed at the host's API through the host fetch. */
  octokitFor(owner: string): Promise<Octokit>;
  limits: Required<TreeLimits>;
}

/**
 * The `UrlReader` of one GitHub host: `read` through the contents API, `readTree` through the
 * tarball API, `search` through the git trees API (see the functions it composes).
 * @example
 * ```ts
 * const reader = createGithubReader(options);
 * const { buffer } = await reader.read('https://github.com/acme/web/blob/main/catalog-info.yaml');
 * ```
 */
export function createGithubReader(options: GithubReaderOptions): UrlReader {
  const { parse, octokitFor, limits } = options;
  const canRead = (url: string) => {
    try {
      parse(url);
      return true;
    } catch {
      return false;
    }
  };
  const webOrigin = (url: string, location: ScmLocation) => (location.kind === 'raw' ? `${new URL(url).protocol}//${location.host}` : new URL(url).origin);
  return {
    canRead,
    async read(url, readOptions = {}) {
      const location = parse(url);
      return readGithubFile(await octokitFor(location.owner), location, { ...readOptions, maxBytes: limits.maxBytes });
    },
    async readTree(url, treeOptions = {}) {
      const location = parse(url);
      return readGithubTree(await octokitFor(location.owner), location, { ...treeOptions, ...limits });
    },
    async search(url, searchOptions = {}) {
      const location = parse(url);
      return searchGithub(await octokitFor(location.owner), location, webOrigin(url, location), { ...searchOptions, ...limits });
    },
  };
}
