import { AuthenticationError, InputError, readLimitedBody } from '@portalkit/core';
import { hostResponseError } from '../host-errors.js';
import type { AzureList, GitCommitRef, GitItem, GitRepository } from './api-types.js';
import { isVisualStudioHost } from './url.js';

/**
 * Which repository a call is about.
 * @example
 * ```ts
 * const repo: AzureRepoRef = { organization: 'acme', project: 'web', repo: 'service' };
 * ```
 */
export interface AzureRepoRef {
  organization: string;
  project: string;
  repo: string;
}

/**
 * A version: a branch name, or a commit id once resolved (reads of one tree stay on one commit).
 * @example
 * ```ts
 * const version: AzureVersion = { branch: 'main' };
 * ```
 */
export type AzureVersion = { branch: string } | { commit: string } | undefined;

/**
 * The Azure DevOps Git REST calls portalkit makes (api-version 7.1). A small typed client on
 * the integration's host fetch rather than `azure-devops-node-api`: Microsoft's client brings
 * its own HTTP stack (typed-rest-client) and cannot be given a fetch, so it would bypass the
 * host fetch's origin allow-list, private-network check and credential-dropping redirects.
 * @example
 * ```ts
 * declare const client: AzureClient;
 * const item = await client.item({ organization: 'acme', project: 'web', repo: 'web' }, 'catalog-info.yaml', { branch: 'main' });
 * ```
 */
export interface AzureClient {
  /** Metadata of the item at `path` (object id, commit id, folder or symlink). */
  item(repo: AzureRepoRef, path: string, version: AzureVersion, signal?: AbortSignal): Promise<GitItem>;
  /** The raw bytes of a file, at most `maxBytes`. */
  content(repo: AzureRepoRef, path: string, version: AzureVersion, maxBytes: number, signal?: AbortSignal): Promise<Buffer>;
  /** Every item below `path`, recursively. */
  list(repo: AzureRepoRef, path: string, version: AzureVersion, signal?: AbortSignal): Promise<GitItem[]>;
  /** The commit a version points at (the newest commit of a branch). */
  latestCommit(repo: AzureRepoRef, version: AzureVersion, signal?: AbortSignal): Promise<GitCommitRef>;
  /** The `$format=zip` download of the folder at `path`, as a streaming response. */
  zip(repo: AzureRepoRef, path: string, version: AzureVersion, signal?: AbortSignal): Promise<Response>;
  /** Create a repository in a project (with `token` instead of the organization's PAT when given). */
  createRepository(organization: string, project: string, name: string, token?: string): Promise<GitRepository>;
}

/**
 * An {@link AzureClient} for one host.
 * @example
 * ```ts
 * const client = createAzureClient({ host: 'dev.azure.com', apiBaseUrl: 'https://dev.azure.com', fetch: globalThis.fetch, tokenFor: () => 'pat' });
 * ```
 */
export function createAzureClient(options: { host: string; apiBaseUrl: string; fetch: typeof fetch; tokenFor: (organization: string) => string | undefined }): AzureClient {
  const base = options.apiBaseUrl.replace(/\/+$/, '');
  const encode = (value: string) => value.split('/').map(encodeURIComponent).join('/');
  // `<org>.visualstudio.com` carries the organization in the host name.
  const orgRoot = (organization: string) => (isVisualStudioHost(options.host) ? base : `${base}/${encode(organization)}`);
  const repoRoot = (repo: AzureRepoRef) => `${orgRoot(repo.organization)}/${encodeURIComponent(repo.project)}/_apis/git/repositories/${encodeURIComponent(repo.repo)}`;

  const request = async (organization: string, url: URL, what: string, init: RequestInit = {}, override?: string): Promise<Response> => {
    url.searchParams.set('api-version', '7.1');
    const token = override ?? options.tokenFor(organization);
    const headers = new Headers(init.headers);
    // A PAT is the password of basic auth with an empty user name.
    if (token) headers.set('authorization', `Basic ${Buffer.from(`:${token}`).toString('base64')}`);
    const response = await options.fetch(url, { ...init, headers });
    // Azure DevOps answers a rejected credential with 203 and a sign-in page instead of 401.
    if (response.status === 203) {
      await response.body?.cancel();
      throw new AuthenticationError(`${options.host} ${what}: the host refused the credentials (203 sign-in page)`);
    }
    if (!response.ok) throw await hostResponseError(response, `${options.host} ${what}`);
    return response;
  };
  const json = async <T>(organization: string, url: URL, what: string, init?: RequestInit, token?: string): Promise<T> => {
    const response = await request(organization, url, what, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } }, token);
    const body = await readLimitedBody(response, { maxBytes: 64 * 1024 * 1024, what: `${options.host} ${what}` });
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw new InputError(`${options.host} ${what}: the host's answer is not JSON`);
    }
  };
  const itemsUrl = (repo: AzureRepoRef, params: Record<string, string>, version: AzureVersion) => {
    const url = new URL(`${repoRoot(repo)}/items`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    if (version && 'branch' in version) {
      url.searchParams.set('versionDescriptor.version', version.branch);
      url.searchParams.set('versionDescriptor.versionType', 'branch');
    } else if (version) {
      url.searchParams.set('versionDescriptor.version', version.commit);
      url.searchParams.set('versionDescriptor.versionType', 'commit');
    }
    return url;
  };
  const name = (repo: AzureRepoRef, path: string) => `${repo.organization}/${repo.project}/_git/${repo.repo}:/${path}`;

  return {
    item: (repo, path, version, signal) => json<GitItem>(repo.organization, itemsUrl(repo, { path: `/${path}`, $format: 'json' }, version), name(repo, path), { signal: signal ?? null }),
    async content(repo, path, version, maxBytes, signal) {
      const url = itemsUrl(repo, { path: `/${path}`, $format: 'octetStream', download: 'true' }, version);
      const response = await request(repo.organization, url, name(repo, path), { signal: signal ?? null });
      return readLimitedBody(response, { maxBytes, what: `${options.host} ${name(repo, path)}` });
    },
    async list(repo, path, version, signal) {
      const url = itemsUrl(repo, { scopePath: `/${path}`, recursionLevel: 'Full', $format: 'json' }, version);
      return (await json<AzureList<GitItem>>(repo.organization, url, name(repo, path), { signal: signal ?? null })).value ?? [];
    },
    async latestCommit(repo, version, signal) {
      const url = new URL(`${repoRoot(repo)}/commits`);
      url.searchParams.set('searchCriteria.$top', '1');
      if (version && 'branch' in version) url.searchParams.set('searchCriteria.itemVersion.version', version.branch);
      if (version && 'commit' in version) url.searchParams.set('searchCriteria.ids', version.commit);
      const list = await json<AzureList<GitCommitRef>>(repo.organization, url, `${name(repo, '')} commits`, { signal: signal ?? null });
      const commit = list.value?.[0];
      if (!commit?.commitId) throw new InputError(`${options.host} ${name(repo, '')}: no commit for that version`);
      return commit;
    },
    zip: (repo, path, version, signal) =>
      request(repo.organization, itemsUrl(repo, { path: `/${path}`, $format: 'zip', download: 'true' }, version), name(repo, path), { signal: signal ?? null, headers: { accept: 'application/zip' } }),
    createRepository: (organization, project, repoName, token) =>
      json<GitRepository>(
        organization,
        new URL(`${orgRoot(organization)}/${encodeURIComponent(project)}/_apis/git/repositories`),
        `${organization}/${project} create repository ${repoName}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: repoName }) },
        token,
      ),
  };
}
