import { InputError, NotAllowedError, NotModifiedError, PayloadTooLargeError, type UrlReader } from '@portalkit/core';
import { createTreeResponse, DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, isGlobPath, parseGlobPath, readTarArchive } from '../tree/index.js';
import type { TreeLimits } from '../types.js';
import type { GiteaClient } from './client.js';
import { type GiteaSite, parseGiteaUrl, requireGiteaLocation, splitGiteaUrl } from './url.js';

/**
 * The reader of one Gitea host: `read` through the contents API (etag: the blob sha),
 * `readTree` through the archive API (etag: the commit sha; the `.tar.gz` is read with the
 * tree limits, symlinks and `..` entries refused), `search` through the recursive tree API.
 * @example
 * ```ts
 * declare const client: GiteaClient;
 * const reader = createGiteaReader({ site: { host: 'gitea.example.com', baseUrl: 'https://gitea.example.com' }, client });
 * ```
 */
export function createGiteaReader(options: { site: GiteaSite; client: GiteaClient; limits?: TreeLimits }): UrlReader {
  const { site, client } = options;
  const maxBytes = options.limits?.maxBytes ?? DEFAULT_MAX_TREE_BYTES;
  const maxFiles = options.limits?.maxFiles ?? DEFAULT_MAX_TREE_FILES;

  const readFile = async (owner: string, repo: string, path: string, ref: string, signal?: AbortSignal) => {
    const what = `${site.host} ${owner}/${repo}:${path}@${ref}`;
    if (path === '') throw new InputError(`${what}: a file URL needs a path`);
    const contents = await client.contents(owner, repo, path, ref, signal);
    if (Array.isArray(contents)) throw new InputError(`${what} is a directory; read it with readTree`);
    if (contents.type === 'symlink') throw new NotAllowedError(`${what} is a symbolic link; only regular files are read`);
    if (contents.type !== 'file' || contents.encoding !== 'base64' || typeof contents.content !== 'string') {
      throw new InputError(`${what} is not a regular file (${contents.type ?? 'unknown type'})`);
    }
    const buffer = Buffer.from(contents.content, 'base64');
    if (buffer.length > maxBytes) throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`);
    return { buffer, etag: contents.sha ?? '' };
  };

  const commitSha = async (owner: string, repo: string, ref: string, signal?: AbortSignal) => {
    const commit = await client.commit(owner, repo, ref, signal);
    if (!commit.sha) throw new InputError(`${site.host} ${owner}/${repo}@${ref}: the host returned a commit without a sha`);
    return commit.sha;
  };

  return {
    canRead: (url) => parseGiteaUrl(site, url) !== undefined,
    async read(url, readOptions = {}) {
      const { owner, repo, path, ref } = requireGiteaLocation(site, url);
      if (isGlobPath(path)) throw new InputError(`${url} is a glob; use search`);
      const response = await readFile(owner, repo, path, ref, readOptions.signal);
      if (readOptions.etag && readOptions.etag === response.etag) throw new NotModifiedError();
      return response;
    },
    async readTree(url, treeOptions = {}) {
      const { owner, repo, path, ref } = requireGiteaLocation(site, url);
      const sha = await commitSha(owner, repo, ref, treeOptions.signal);
      if (treeOptions.etag === sha) throw new NotModifiedError();
      const archive = await client.archive(owner, repo, sha, treeOptions.signal);
      if (!archive.body) throw new InputError(`${site.host} ${owner}/${repo}@${ref}: empty archive`);
      // Gitea wraps the archive in one `<repo>/` directory.
      const files = await readTarArchive(archive.body, {
        what: `${site.host} ${owner}/${repo}@${ref}`,
        stripComponents: 1,
        maxBytes,
        maxFiles,
        ...(path ? { subpath: path } : {}),
        ...(treeOptions.filter ? { filter: treeOptions.filter } : {}),
      });
      return createTreeResponse(files, sha);
    },
    async search(url, searchOptions = {}) {
      const split = splitGiteaUrl(site, url);
      if (!split) throw new InputError(`not a Gitea search URL: expected ${site.baseUrl}/<owner>/<repo>/src/branch/<ref>/<glob>`);
      const { owner, repo, path, ref } = split.location;
      const sha = await commitSha(owner, repo, ref, searchOptions.signal);
      if (searchOptions.etag === sha) throw new NotModifiedError();
      const glob = parseGlobPath(path);
      const entries = await client.tree(owner, repo, sha, searchOptions.signal);
      const matches = entries.filter((entry) => entry.type === 'blob' && entry.mode !== '120000' && typeof entry.path === 'string' && glob.matches(entry.path));
      if (matches.length > maxFiles) throw new PayloadTooLargeError(`${url} matches more than ${maxFiles} files`);
      const files = matches.map((entry) => {
        const filePath = entry.path as string;
        return {
          url: `${split.root}/${filePath.split('/').map(encodeURIComponent).join('/')}`,
          content: async () => (await readFile(owner, repo, filePath, sha)).buffer,
        };
      });
      return { files, etag: sha };
    },
  };
}
