import { InputError, NotModifiedError, type ReadOptions, readLimitedBody, type UrlReader } from '@portalkit/core';
import { searchByTree } from '../bitbucket-common/glob-search.js';
import { type BitbucketHttp, displayUrl } from '../bitbucket-common/http.js';
import { encodePath } from '../bitbucket-common/url-path.js';
import { readTarArchive } from '../tree/archive.js';
import { createTreeResponse } from '../tree/tree-response.js';
import type { ScmLocation, TreeLimits } from '../types.js';
import type { BitbucketServerCommit, BitbucketServerPage } from './api-types.js';
import type { BitbucketServerGrammar } from './grammar.js';

/** What the Server reader needs from its integration. */
export interface BitbucketServerReaderOptions {
  http: BitbucketHttp;
  grammar: BitbucketServerGrammar;
  /** `https://<host>/rest/api/1.0` or the configured `apiBaseUrl`. */
  apiBaseUrl: string;
  host: string;
  limits: Required<TreeLimits>;
}

/**
 * The Bitbucket Server reader: the ref (`?at=`, default branch when absent) is resolved to a
 * commit (the etag) with `commits?until=<ref>&limit=1`; `read` is `raw/<path>?at=<commit>`,
 * `readTree` the `archive?format=tgz&at=<commit>&path=<dir>` endpoint into a checked in-memory
 * tree, `search` a glob over that tree.
 */
export function createBitbucketServerReader(options: BitbucketServerReaderOptions): UrlReader {
  const { http, grammar, apiBaseUrl, limits } = options;
  const repoApi = (location: ScmLocation) => `${apiBaseUrl}/projects/${encodeURIComponent(location.owner)}/repos/${encodeURIComponent(location.repo)}`;

  const locate = (url: string, what: string): ScmLocation => {
    const location = grammar.parseUrl(url);
    if (!location) throw new InputError(`not a Bitbucket Server ${what} URL of ${options.host}: ${displayUrl(url)}`);
    return location;
  };

  const resolveCommit = async (location: ScmLocation, signal?: AbortSignal): Promise<string> => {
    const query = new URLSearchParams({ limit: '1' });
    if (location.ref) query.set('until', location.ref);
    const page = await http.json<BitbucketServerPage<BitbucketServerCommit>>(`${repoApi(location)}/commits?${query}`, signal ? { signal } : {});
    const id = page.values?.[0]?.id;
    if (typeof id !== 'string' || !/^[0-9a-f]{40}$/.test(id)) throw new InputError(`${location.owner}/${location.repo}: ${location.ref ?? 'the default branch'} names no commit`);
    return id;
  };

  const read: UrlReader['read'] = async (url, readOptions: ReadOptions = {}) => {
    const location = locate(url, 'file');
    if (!location.path || location.kind === 'tree') throw new InputError(`${displayUrl(url)} names a directory, not a file`);
    const commit = await resolveCommit(location, readOptions.signal);
    if (readOptions.etag === commit) throw new NotModifiedError();
    const response = await http.request(`${repoApi(location)}/raw/${encodePath(location.path)}?at=${commit}`, readOptions.signal ? { signal: readOptions.signal } : {});
    const buffer = await readLimitedBody(response, { maxBytes: limits.maxBytes, what: `${location.owner}/${location.repo}/${location.path}` });
    return { buffer, etag: commit };
  };

  const readTree: UrlReader['readTree'] = async (url, treeOptions = {}) => {
    const location = locate(url, 'tree');
    const commit = await resolveCommit(location, treeOptions.signal);
    if (treeOptions.etag === commit) throw new NotModifiedError();
    const query = new URLSearchParams({ format: 'tgz', at: commit });
    // The server filters the archive; the reader still keeps only entries below the path.
    if (location.path) query.set('path', location.path);
    const response = await http.request(`${repoApi(location)}/archive?${query}`, treeOptions.signal ? { signal: treeOptions.signal } : {});
    if (!response.body) throw new InputError(`${location.owner}/${location.repo}: the archive answered without a body`);
    const files = await readTarArchive(response.body, {
      what: `${options.host}/${location.owner}/${location.repo}@${commit.slice(0, 12)}`,
      ...(location.path ? { subpath: location.path } : {}),
      ...(treeOptions.filter ? { filter: treeOptions.filter } : {}),
      ...limits,
    });
    return createTreeResponse(files, commit);
  };

  return {
    canRead: (url) => grammar.parseUrl(url) !== undefined,
    read,
    readTree,
    search: async (url, searchOptions = {}) => {
      const location = locate(url, 'search');
      return searchByTree({
        ...searchOptions,
        pattern: location.path,
        // readTree reads below a URL's path whether it names a file or a directory.
        treeUrl: (dir) => grammar.browseUrl({ ...location, path: dir }),
        fileUrl: (path) => grammar.browseUrl({ ...location, path }),
        reader: { read, readTree },
      });
    },
  };
}
