import { createHash } from 'node:crypto';
import {
  InputError,
  NotFoundError,
  NotModifiedError,
  PayloadTooLargeError,
  type ReadOptions,
  type ReadResponse,
  readLimitedBody,
  type SearchResponse,
  type UrlReader,
} from '@portalkit/core';
import type { Gitlab } from '@gitbeaker/rest';
import { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, readTarArchive } from '../tree/archive.js';
import { createTreeResponse } from '../tree/tree-response.js';
import type { ScmLocation, TreeLimits } from '../types.js';
import { gitlabResponseError } from './errors.js';
import { GLOB_CHARS, globToRegExp } from './glob.js';
import type { GitlabUrlGrammar } from './url-grammar.js';

export interface GitlabReaderOptions {
  host: string;
  apiBaseUrl: string;
  grammar: GitlabUrlGrammar;
  client: Gitlab;
  /** The host fetch (origins and private-network checks). */
  fetch: typeof fetch;
  token?: string | undefined;
  limits: TreeLimits;
}

/**
 * Reads files (`repository/files/:path/raw`, etag from GitLab's ETag / blob id), trees (the
 * repository archive of one commit, read with limits; etag = commit sha) and globs (the
 * recursive repository tree) of one GitLab instance. Refs containing `/` are resolved against
 * the project's branches and tags when the first-segment guess is not found.
 */
export function createGitlabReader(options: GitlabReaderOptions): UrlReader {
  const { grammar, client } = options;
  const maxBytes = options.limits.maxBytes ?? DEFAULT_MAX_TREE_BYTES;
  const maxFiles = options.limits.maxFiles ?? DEFAULT_MAX_TREE_FILES;
  const api = (pathAndQuery: string) => `${options.apiBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
  const authHeaders = (): Record<string, string> => (options.token ? { 'private-token': options.token } : {});
  const projectOf = (location: ScmLocation) => `${location.owner}/${location.repo}`;

  const locate = (url: string, what: string): ScmLocation => {
    const location = grammar.parse(url);
    if (!location) throw new InputError(`${JSON.stringify(url.slice(0, 200))} is not a GitLab ${what} URL of ${options.host}`);
    return location;
  };
  const defaultBranch = async (project: string): Promise<string> => (await client.Projects.show(project)).default_branch;

  /** `feature/x` + `docs/a.md` when the URL said `.../feature/x/docs/a.md`: ask GitLab which ref exists. */
  const resolveSlashRef = async (project: string, ref: string, path: string): Promise<{ ref: string; path: string } | undefined> => {
    if (!path) return undefined;
    const [branches, tags] = await Promise.all([
      client.Branches.all(project, { search: `^${ref}/`, perPage: 100, maxPages: 5 }),
      client.Tags.all(project, { search: `^${ref}/`, perPage: 100, maxPages: 5 }),
    ]);
    const full = `${ref}/${path}/`;
    const names = [...branches, ...tags].map((r) => r.name).filter((name) => full.startsWith(`${name}/`));
    const longest = names.sort((a, b) => b.length - a.length)[0];
    return longest ? { ref: longest, path: full.slice(longest.length + 1, -1) } : undefined;
  };
  /** Run `attempt` with the URL's ref; on 404, once more with a ref containing `/` if one matches. */
  const withRef = async <T>(location: ScmLocation, attempt: (ref: string, path: string) => Promise<T>): Promise<T> => {
    const project = projectOf(location);
    const ref = location.ref ?? (await defaultBranch(project));
    try {
      return await attempt(ref, location.path);
    } catch (error) {
      if (!(error instanceof NotFoundError) || !location.ref) throw error;
      const resolved = await resolveSlashRef(project, ref, location.path);
      if (!resolved) throw error;
      return attempt(resolved.ref, resolved.path);
    }
  };

  const readRaw = async (project: string, ref: string, path: string, readOptions: ReadOptions = {}): Promise<ReadResponse> => {
    const what = `GitLab ${options.host} ${project}@${ref}:${path}`;
    const response = await options.fetch(
      api(`/projects/${encodeURIComponent(project)}/repository/files/${encodeURIComponent(path)}/raw?ref=${encodeURIComponent(ref)}`),
      {
        headers: { ...authHeaders(), ...(readOptions.etag ? { 'if-none-match': readOptions.etag } : {}) },
        ...(readOptions.signal ? { signal: readOptions.signal } : {}),
      },
    );
    if (response.status === 304) throw new NotModifiedError(`${what} has not changed`);
    if (!response.ok) throw await gitlabResponseError(response, what);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body?.cancel();
      throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`);
    }
    // Counted while streaming: a chunked body without Content-Length is never buffered past the limit.
    const buffer = await readLimitedBody(response, { maxBytes, what });
    const etag = response.headers.get('etag') ?? response.headers.get('x-gitlab-blob-id') ?? createHash('sha256').update(buffer).digest('hex');
    return { buffer, etag };
  };

  const commitSha = async (project: string, ref: string): Promise<string> => (await client.Commits.show(project, ref)).id;

  return {
    canRead: (url) => grammar.parse(url) !== undefined,

    async read(url, readOptions) {
      const location = locate(url, 'file');
      if (location.kind === 'repo' || location.kind === 'tree' || !location.path) {
        throw new InputError(`${JSON.stringify(url.slice(0, 200))} does not name a file (a GitLab blob, raw or edit URL is needed)`);
      }
      return withRef(location, (ref, path) => readRaw(projectOf(location), ref, path, readOptions));
    },

    async readTree(url, treeOptions = {}) {
      const location = locate(url, 'tree');
      const project = projectOf(location);
      const { sha, path } = await withRef(location, async (ref, path) => ({ sha: await commitSha(project, ref), path }));
      if (treeOptions.etag === sha) throw new NotModifiedError(`GitLab ${options.host} ${project}@${sha} has not changed`);
      const what = `GitLab ${options.host} ${project}@${sha}${path ? `:${path}` : ''}`;
      const query = new URLSearchParams({ sha, ...(path ? { path } : {}) });
      const response = await options.fetch(api(`/projects/${encodeURIComponent(project)}/repository/archive.tar.gz?${query}`), {
        headers: authHeaders(),
        ...(treeOptions.signal ? { signal: treeOptions.signal } : {}),
      });
      if (!response.ok) throw await gitlabResponseError(response, what);
      if (!response.body) throw new NotFoundError(`${what}: empty archive`);
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
        await response.body.cancel();
        throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`);
      }
      const files = await readTarArchive(response.body, {
        what,
        stripComponents: 1,
        ...(path ? { subpath: path } : {}),
        ...(treeOptions.filter ? { filter: treeOptions.filter } : {}),
        maxBytes,
        maxFiles,
      });
      return createTreeResponse(files, sha);
    },

    async search(url, searchOptions): Promise<SearchResponse> {
      const location = locate(url, 'glob');
      const project = projectOf(location);
      const segments = location.path.split('/');
      const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
      if (firstGlob < 0) {
        // Backstage: a URL without a glob searches for exactly that file.
        try {
          const file = await this.read(url, searchOptions);
          return { files: [{ url, content: async () => file.buffer }], etag: file.etag };
        } catch (error) {
          if (error instanceof NotFoundError) return { files: [], etag: '' };
          throw error;
        }
      }
      const ref = location.ref ?? (await defaultBranch(project));
      const sha = await commitSha(project, ref);
      if (searchOptions?.etag === sha) throw new NotModifiedError(`GitLab ${options.host} ${project}@${sha} has not changed`);
      const dir = segments.slice(0, firstGlob).join('/');
      const matcher = globToRegExp(location.path);
      let entries: Array<{ type: string; path: string; mode?: string }>;
      try {
        entries = await client.Repositories.allRepositoryTrees(project, {
          ref: sha,
          recursive: true,
          perPage: 100,
          maxPages: Math.ceil(maxFiles / 100) + 1,
          ...(dir ? { path: dir } : {}),
        });
      } catch (error) {
        if (error instanceof NotFoundError) return { files: [], etag: sha };
        throw error;
      }
      if (entries.length > maxFiles) throw new PayloadTooLargeError(`GitLab ${options.host} ${project}@${sha} has more than ${maxFiles} entries`);
      const files = entries
        // Regular files only: a symbolic link is a `blob` of mode 120000, its content the link's target.
        .filter((entry) => entry.type === 'blob' && entry.mode !== '120000' && matcher.test(entry.path))
        .map((entry) => ({
          url: grammar.format({ owner: location.owner, repo: location.repo, ref, path: entry.path, kind: 'blob' }),
          content: async () => (await readRaw(project, sha, entry.path)).buffer,
        }));
      return { files, etag: sha };
    },
  };
}
