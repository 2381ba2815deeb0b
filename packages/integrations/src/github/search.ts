import { NotFoundError, NotModifiedError, PayloadTooLargeError, type ReadOptions, type SearchResponse } from '@portalkit/core';
import type { Octokit } from '@octokit/rest';
import { Minimatch } from 'minimatch';
import type { ScmLocation, TreeLimits } from '../types.js';
import { githubError } from './errors.js';
import { readGithubFile } from './read-file.js';
import { downloadTree } from './read-tree.js';
import { resolveRef } from './refs.js';
import { formatGithubUrl } from './url.js';

const FILE_MODES = new Set(['100644', '100755']);

/**
 * Files of a repository matching the glob in a URL's path, as Backstage's GitHub reader: a path
 * without glob characters is read directly (a missing file is an empty result); otherwise the
 * ref's commit is the etag, the recursive git tree is matched with minimatch (its defaults:
 * `*` does not match dot files) and each match is read lazily through the blob API.
 * A truncated tree (very large repositories) falls back to the tarball. More matches than
 * `maxFiles` is a `PayloadTooLargeError`.
 * @example
 * ```ts
 * const { files } = await searchGithub(octokit, location, 'https://github.com', { maxBytes: 1e8, maxFiles: 1000 });
 * ```
 */
export async function searchGithub(
  octokit: Octokit,
  location: ScmLocation,
  webOrigin: string,
  options: ReadOptions & Required<TreeLimits>,
): Promise<SearchResponse> {
  const what = `${location.owner}/${location.repo}`;
  const matcher = new Minimatch(location.path.replace(/^\/+/, ''));
  if (!matcher.hasMagic()) {
    try {
      const { buffer, etag } = await readGithubFile(octokit, location, options);
      const url = formatGithubUrl(webOrigin, { ...location, ref: location.ref ?? 'HEAD' }, 'blob');
      return { files: [{ url, content: async () => buffer }], etag };
    } catch (error) {
      if (error instanceof NotFoundError) return { files: [], etag: '' };
      throw error;
    }
  }
  const resolved = await resolveRef(octokit, { ...location, path: '' }, { signal: options.signal });
  if (options.etag && options.etag === resolved.sha) throw new NotModifiedError(`${what}@${resolved.ref} has not changed`);
  const matches = (path: string) => matcher.match(path);
  const urlOf = (path: string) => formatGithubUrl(webOrigin, { owner: location.owner, repo: location.repo, ref: location.ref ?? resolved.ref, path }, 'blob');

  let tree: Awaited<ReturnType<Octokit['rest']['git']['getTree']>>['data'];
  try {
    ({ data: tree } = await octokit.rest.git.getTree({ owner: location.owner, repo: location.repo, tree_sha: resolved.sha, recursive: 'true', request: { signal: options.signal } }));
  } catch (error) {
    throw githubError(error, what);
  }
  if (tree.truncated) {
    const files = await downloadTree(octokit, location, { ...resolved, path: '' }, { ...options, filter: (path) => matches(path) });
    return { files: files.map((file) => ({ url: urlOf(file.path), content: file.content })), etag: resolved.sha };
  }
  // Regular files only (a symbolic link is a `blob` of mode 120000 too), as the archive path reads.
  const blobs = tree.tree.filter((item) => item.type === 'blob' && FILE_MODES.has(item.mode ?? '') && item.path && item.sha && matches(item.path));
  if (blobs.length > options.maxFiles) throw new PayloadTooLargeError(`${what}: more than ${options.maxFiles} files match ${location.path}`);
  // The byte limit holds here too, by the sizes the tree lists, before any content is fetched.
  const total = blobs.reduce((sum, item) => sum + (item.size ?? 0), 0);
  if (total > options.maxBytes) throw new PayloadTooLargeError(`${what}: the files matching ${location.path} are larger than ${options.maxBytes} bytes together`);
  return {
    etag: resolved.sha,
    files: blobs.map((item) => ({
      url: urlOf(item.path!),
      content: async () => {
        try {
          const { data } = await octokit.rest.git.getBlob({ owner: location.owner, repo: location.repo, file_sha: item.sha! });
          return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
        } catch (error) {
          throw githubError(error, `${what}/${item.path}`);
        }
      },
    })),
  };
}
