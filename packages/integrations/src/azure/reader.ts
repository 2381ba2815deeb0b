import { InputError, NotAllowedError, NotModifiedError, PayloadTooLargeError, type UrlReader } from '@portalkit/core';
import { createTreeResponse, DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, isGlobPath, parseGlobPath, readZipArchive } from '../tree/index.js';
import type { TreeLimits } from '../types.js';
import type { AzureClient, AzureRepoRef } from './client.js';
import { type AzureLocation, formatAzureUrl, parseAzureUrl, requireAzureLocation } from './url.js';

/**
 * The reader of one Azure DevOps host: `read` through the items API (etag: the file's object
 * id), `readTree` through the items API's `$format=zip` download of the folder at the branch's
 * newest commit (etag: that commit id; zip entries checked by `readZipArchive`), `search`
 * through a recursive items listing matched against the glob.
 * @example
 * ```ts
 * declare const client: AzureClient;
 * const reader = createAzureReader({ host: 'dev.azure.com', client });
 * ```
 */
export function createAzureReader(options: { host: string; client: AzureClient; limits?: TreeLimits }): UrlReader {
  const { host, client } = options;
  const maxBytes = options.limits?.maxBytes ?? DEFAULT_MAX_TREE_BYTES;
  const maxFiles = options.limits?.maxFiles ?? DEFAULT_MAX_TREE_FILES;
  const repoOf = (location: AzureLocation): AzureRepoRef => ({ organization: location.organization, project: location.project, repo: location.repo });
  const branch = (location: AzureLocation) => (location.ref ? { branch: location.ref } : undefined);
  const what = (location: AzureLocation) => `${host} ${location.owner}/_git/${location.repo}:/${location.path}`;

  const readFile = async (location: AzureLocation, version: ReturnType<typeof branch> | { commit: string }, etag: string | undefined, signal?: AbortSignal) => {
    if (location.path === '') throw new InputError(`${what(location)}: a file URL needs ?path=/<file>`);
    const item = await client.item(repoOf(location), location.path, version, signal);
    if (item.isSymLink) throw new NotAllowedError(`${what(location)} is a symbolic link; only regular files are read`);
    if (item.isFolder || item.gitObjectType === 'tree') throw new InputError(`${what(location)} is a folder; read it with readTree`);
    if (!item.objectId) throw new InputError(`${what(location)}: the host returned an item without an object id`);
    if (etag && etag === item.objectId) throw new NotModifiedError();
    // Pinned to the commit the metadata came from, so content and etag agree.
    const pinned = item.commitId ? { commit: item.commitId } : version;
    const buffer = await client.content(repoOf(location), location.path, pinned, maxBytes, signal);
    return { buffer, etag: item.objectId };
  };

  return {
    canRead: (url) => parseAzureUrl(host, url) !== undefined,
    async read(url, readOptions = {}) {
      const location = requireAzureLocation(host, url);
      if (isGlobPath(location.path)) throw new InputError(`${url} is a glob; use search`);
      return readFile(location, branch(location), readOptions.etag, readOptions.signal);
    },
    async readTree(url, treeOptions = {}) {
      const location = requireAzureLocation(host, url);
      const commit = (await client.latestCommit(repoOf(location), branch(location), treeOptions.signal)).commitId as string;
      if (treeOptions.etag === commit) throw new NotModifiedError();
      const response = await client.zip(repoOf(location), location.path, { commit }, treeOptions.signal);
      if (!response.body) throw new InputError(`${what(location)}: empty archive`);
      // The zip of a folder holds it as its top directory (`docs/...`); the root's has no prefix.
      const files = await readZipArchive(response.body, {
        what: what(location),
        stripComponents: location.path ? 1 : 0,
        maxBytes,
        maxFiles,
        ...(treeOptions.filter ? { filter: treeOptions.filter } : {}),
      });
      return createTreeResponse(files, commit);
    },
    async search(url, searchOptions = {}) {
      const location = requireAzureLocation(host, url);
      const commit = (await client.latestCommit(repoOf(location), branch(location), searchOptions.signal)).commitId as string;
      if (searchOptions.etag === commit) throw new NotModifiedError();
      const glob = parseGlobPath(location.path);
      const items = await client.list(repoOf(location), glob.base, { commit }, searchOptions.signal);
      const matches = items.filter((item) => !item.isFolder && !item.isSymLink && item.gitObjectType !== 'tree' && typeof item.path === 'string' && glob.matches(item.path.replace(/^\/+/, '')));
      if (matches.length > maxFiles) throw new PayloadTooLargeError(`${url} matches more than ${maxFiles} files`);
      const files = matches.map((item) => {
        const path = (item.path as string).replace(/^\/+/, '');
        const fileLocation = { ...location, path, kind: 'blob' as const };
        return {
          url: formatAzureUrl(host, { ...fileLocation, ref: location.ref }),
          content: async () => (await readFile(fileLocation, { commit }, undefined, searchOptions.signal)).buffer,
        };
      });
      return { files, etag: commit };
    },
  };
}
