import { InputError, NotModifiedError, type ReadOptions, readLimitedBody, type UrlReader } from '@portalkit/core';
import { searchByTree } from '../bitbucket-common/glob-search.js';
import { type BitbucketHttp, displayUrl } from '../bitbucket-common/http.js';
import { encodePath } from '../bitbucket-common/url-path.js';
import { readTarArchive } from '../tree/archive.js';
import { createTreeResponse } from '../tree/tree-response.js';
import type { ScmLocation, TreeLimits } from '../types.js';
import type { BitbucketCloudPaginatedCommits, BitbucketCloudRepository } from './api-types.js';
import { bitbucketCloudSrcUrl, parseBitbucketCloudUrl } from './grammar.js';

/** What the Cloud reader needs from its integration. */
export interface BitbucketCloudReaderOptions {
  http: BitbucketHttp;
  /** `https://api.bitbucket.org/2.0` or the configured `apiBaseUrl`. */
  apiBaseUrl: string;
  /** Where archives are downloaded (`https://bitbucket.org`). */
  webBaseUrl: string;
  limits: Required<TreeLimits>;
}

/**
 * The Bitbucket Cloud reader: `read` resolves the ref to a commit (the etag) and reads
 * `/2.0/repositories/{ws}/{repo}/src/{commit}/{path}`; `readTree` downloads
 * `https://bitbucket.org/{ws}/{repo}/get/{commit}.tar.gz` (as Backstage does) into a checked
 * in-memory tree; `search` globs over that tree.
 */
export function createBitbucketCloudReader(options: BitbucketCloudReaderOptions): UrlReader {
  const { http, apiBaseUrl, webBaseUrl, limits } = options;
  const repoApi = (location: ScmLocation) => `${apiBaseUrl}/repositories/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}`;

  const locate = (url: string, what: string): ScmLocation => {
    const location = parseBitbucketCloudUrl(url);
    if (!location) throw new InputError(`not a Bitbucket Cloud ${what} URL: ${displayUrl(url)}`);
    return location;
  };

  /** The commit a location's ref names now (the default branch when it names none). */
  const resolveCommit = async (location: ScmLocation, signal?: AbortSignal): Promise<string> => {
    let ref = location.ref;
    if (!ref || ref === 'HEAD') {
      const repository = await http.json<BitbucketCloudRepository>(repoApi(location), signal ? { signal } : {});
      ref = repository.mainbranch?.name;
      if (!ref) throw new InputError(`${location.owner}/${location.repo} has no main branch yet`);
    }
    const commits = await http.json<BitbucketCloudPaginatedCommits>(`${repoApi(location)}/commits/${encodeURIComponent(ref)}?pagelen=1`, signal ? { signal } : {});
    const hash = commits.values?.[0]?.hash;
    if (typeof hash !== 'string' || !/^[0-9a-f]{40}$/.test(hash)) throw new InputError(`${location.owner}/${location.repo}: ${ref} names no commit`);
    return hash;
  };

  const read: UrlReader['read'] = async (url, readOptions: ReadOptions = {}) => {
    const location = locate(url, 'file');
    if (!location.path || location.kind === 'tree') throw new InputError(`${displayUrl(url)} names a directory, not a file`);
    const commit = await resolveCommit(location, readOptions.signal);
    if (readOptions.etag === commit) throw new NotModifiedError();
    const response = await http.request(`${repoApi(location)}/src/${commit}/${encodePath(location.path)}`, readOptions.signal ? { signal: readOptions.signal } : {});
    const buffer = await readLimitedBody(response, { maxBytes: limits.maxBytes, what: `${location.owner}/${location.repo}/${location.path}` });
    if (isDirectoryListing(response, buffer)) throw new InputError(`${displayUrl(url)} names a directory, not a file`);
    return { buffer, etag: commit };
  };

  const readTree: UrlReader['readTree'] = async (url, treeOptions = {}) => {
    const location = locate(url, 'tree');
    const commit = await resolveCommit(location, treeOptions.signal);
    if (treeOptions.etag === commit) throw new NotModifiedError();
    const archiveUrl = `${webBaseUrl}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}/get/${commit}.tar.gz`;
    const response = await http.request(archiveUrl, treeOptions.signal ? { signal: treeOptions.signal } : {});
    if (!response.body) throw new InputError(`${displayUrl(archiveUrl)} answered without a body`);
    const files = await readTarArchive(response.body, {
      what: `bitbucket.org/${location.owner}/${location.repo}@${commit.slice(0, 12)}`,
      // Archives wrap the tree in one `<workspace>-<repo>-<short sha>/` directory.
      stripComponents: 1,
      ...(location.path ? { subpath: location.path } : {}),
      ...(treeOptions.filter ? { filter: treeOptions.filter } : {}),
      ...limits,
    });
    return createTreeResponse(files, commit);
  };

  return {
    canRead: (url) => parseBitbucketCloudUrl(url) !== undefined,
    read,
    readTree,
    search: async (url, searchOptions = {}) => {
      const location = locate(url, 'search');
      const ref = location.ref ?? 'HEAD';
      return searchByTree({
        ...searchOptions,
        pattern: location.path,
        // readTree reads below a URL's path whether it names a file or a directory.
        treeUrl: (dir) => bitbucketCloudSrcUrl({ ...location, path: dir }, ref),
        fileUrl: (path) => bitbucketCloudSrcUrl({ ...location, path }, ref),
        reader: { read, readTree },
      });
    },
  };
}

/**
 * `src/{commit}/{path}` answers a directory with a `paginated_treeentries` page instead of bytes;
 * a file is never JSON of exactly that shape with `commit_file`/`commit_directory` entries.
 */
function isDirectoryListing(response: Response, buffer: Buffer): boolean {
  if (!response.headers.get('content-type')?.includes('application/json')) return false;
  try {
    const page = JSON.parse(buffer.toString('utf8')) as { values?: Array<{ type?: unknown }> };
    return Array.isArray(page.values) && page.values.every((entry) => entry?.type === 'commit_file' || entry?.type === 'commit_directory');
  } catch {
    return false;
  }
}
