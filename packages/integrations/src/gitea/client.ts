import { type Api, type Commit, type ContentsResponse, type GitEntry, type HttpResponse, giteaApi, type Organization, type Repository } from 'gitea-js';
import type { GiteaIntegrationConfig } from '../config.js';
import { createCappedFetch } from '../capped-fetch.js';
import { basicAuthorization } from '../git-cli/index.js';
import { hostResponseError } from '../host-errors.js';

/**
 * The Gitea API calls portalkit makes, through `gitea-js` (generated from Gitea's swagger) on
 * the integration's host fetch. Every failure is a typed error (see `hostResponseError`).
 * @example
 * ```ts
 * declare const client: GiteaClient;
 * const file = await client.contents('acme', 'web', 'catalog-info.yaml', 'main');
 * ```
 */
export interface GiteaClient {
  /** The file or directory listing at `path` on `ref`. */
  contents(owner: string, repo: string, path: string, ref: string, signal?: AbortSignal): Promise<ContentsResponse | ContentsResponse[]>;
  /** The commit a branch, tag or sha points at. */
  commit(owner: string, repo: string, ref: string, signal?: AbortSignal): Promise<Commit>;
  /** Every entry of the tree of a commit, recursively (all pages). */
  tree(owner: string, repo: string, sha: string, signal?: AbortSignal): Promise<GitEntry[]>;
  /** The `.tar.gz` archive of a commit, as a streaming response. */
  archive(owner: string, repo: string, sha: string, signal?: AbortSignal): Promise<Response>;
  repository(owner: string, repo: string): Promise<Repository>;
  organization(org: string): Promise<Organization | undefined>;
  /** Create a repository under an organization, or (with `org` undefined) the authenticated user. */
  createRepository(org: string | undefined, options: { name: string; description?: string; private?: boolean; default_branch?: string }): Promise<Repository>;
}

/** The credentials of a Gitea integration as request headers: basic auth, or `token <password>` without a username (as Backstage). */
export function giteaAuthHeaders(config: Pick<GiteaIntegrationConfig, 'username' | 'password'>): Record<string, string> {
  if (!config.password) return {};
  return { Authorization: config.username ? basicAuthorization(config.username, config.password) : `token ${config.password}` };
}

const seg = encodeURIComponent;
const pathSegments = (path: string) => path.split('/').map(seg).join('/');

/**
 * A {@link GiteaClient} for `baseUrl`, using `fetchImpl` (the integration's host fetch).
 * @example
 * ```ts
 * const client = createGiteaClient({ baseUrl: 'https://gitea.example.com', fetch: globalThis.fetch, maxBytes: 1e8 });
 * ```
 */
export function createGiteaClient(options: { baseUrl: string; fetch: typeof fetch; maxBytes: number; headers: Record<string, string>; host: string }): GiteaClient {
  // Bodies are capped at twice the tree limit (base64 and JSON overhead).
  const cappedFetch = createCappedFetch(options.fetch, { maxBytes: options.maxBytes * 2, headers: options.headers });
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const apiBase = `${baseUrl}/api/v1`;
  const api: Api<unknown> = giteaApi(baseUrl, { customFetch: cappedFetch });
  // gitea-js throws the Response of a failed request, with its parsed body in `error`.
  const failure = async (thrown: unknown, what: string): Promise<unknown> => {
    if (!(thrown instanceof Response)) return thrown;
    const body = (thrown as HttpResponse<unknown, unknown>).error as { message?: unknown } | null;
    return hostResponseError(thrown, `${options.host} ${what}`, typeof body?.message === 'string' ? body.message : '');
  };
  const call = async <T>(what: string, request: Promise<HttpResponse<T, unknown>>): Promise<T> => {
    const response = await request.catch(async (thrown) => {
      throw await failure(thrown, what);
    });
    // A body cut off by the size cap leaves `data` empty and the cap's error in `error`.
    if (response.error instanceof Error) throw response.error;
    return response.data;
  };
  const repoPath = (owner: string, repo: string) => `${owner}/${repo}`;

  return {
    contents: (owner, repo, path, ref, signal) =>
      call(`${repoPath(owner, repo)}:${path}@${ref}`, api.repos.repoGetContents(seg(owner), seg(repo), pathSegments(path), { ref }, { signal }) as Promise<HttpResponse<ContentsResponse | ContentsResponse[], unknown>>),
    commit: (owner, repo, ref, signal) => call(`${repoPath(owner, repo)}@${ref}`, api.repos.repoGetSingleCommit(seg(owner), seg(repo), seg(ref), {}, { signal })),
    async tree(owner, repo, sha, signal) {
      const entries: GitEntry[] = [];
      for (let page = 1; ; page++) {
        const response = await call(`${repoPath(owner, repo)} tree ${sha}`, api.repos.getTree(seg(owner), seg(repo), seg(sha), { recursive: true, page, per_page: 1000 }, { signal }));
        entries.push(...(response.tree ?? []));
        if (!response.truncated || (response.tree ?? []).length === 0) return entries;
      }
    },
    async archive(owner, repo, sha, signal) {
      // Not through gitea-js: it always parses bodies (its base params force `format: 'json'`),
      // and an archive must stream into the tar reader with its limits.
      const response = await cappedFetch(`${apiBase}/repos/${seg(owner)}/${seg(repo)}/archive/${seg(sha)}.tar.gz`, { signal: signal ?? null });
      if (!response.ok) throw await hostResponseError(response, `${options.host} ${repoPath(owner, repo)} archive ${sha}`);
      return response;
    },
    repository: (owner, repo) => call(repoPath(owner, repo), api.repos.repoGet(seg(owner), seg(repo))),
    async organization(org) {
      try {
        return await call(`organization ${org}`, api.orgs.orgGet(seg(org)));
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') return undefined;
        throw error;
      }
    },
    createRepository: (org, body) =>
      org === undefined ? call(`create repository ${body.name}`, api.user.createCurrentUserRepo(body)) : call(`create repository ${org}/${body.name}`, api.orgs.createOrgRepo(seg(org), body)),
  };
}
