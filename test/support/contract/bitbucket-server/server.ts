import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BitbucketServerCommit,
  BitbucketServerErrors,
  BitbucketServerPage,
  BitbucketServerRepository,
} from '../../../../packages/integrations/src/bitbucket-server/api-types.js';
import { type GitHttpServer, startGitHttpServer } from '../../git-http-server.js';
import { gitBytes, mainBranch, proxyGit, readJson, revParse } from '../bitbucket-cloud/git-proxy.js';

/**
 * A local stand-in for Bitbucket Server / Data Center below a base path: the REST API 1.0
 * endpoints portalkit uses (repository get/create, commits, raw, archive), the git LFS admin
 * toggle, and git over smart HTTP at `<base>/scm/<project>/<repo>.git` proxied to a real
 * `git http-backend`. Responses are typed after Atlassian's documented schemas (api-types.ts);
 * no machine-readable description was available offline.
 */
export interface BitbucketServerContract {
  /** `127.0.0.1:<port>`: the integration's `host`. */
  host: string;
  /** `http://127.0.0.1:<port><base path>`: web pages and git. */
  webBaseUrl: string;
  /** `<webBaseUrl>/rest/api/1.0`: the integration's `apiBaseUrl`. */
  apiBaseUrl: string;
  git: GitHttpServer;
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  /** Repositories whose LFS was enabled through the admin API (`P/slug`). */
  lfsEnabled: Set<string>;
  createRepo(project: string, repo: string, files: Record<string, string | { symlink: string }>, options?: { branch?: string }): Promise<string>;
  /** Answer the next API requests with this (rate limits, redirects, outages). */
  injectNext(response: { status: number; headers?: Record<string, string>; body?: unknown }, times?: number): void;
  close(): Promise<void>;
}

/**
 * Start a {@link BitbucketServerContract} on 127.0.0.1 accepting `Bearer <token>` or basic
 * `username:password`.
 * @example
 * ```ts
 * const server = await startBitbucketServerContract({ token: 't', username: 'u', password: 'p', basePath: '/bitbucket' });
 * ```
 */
export async function startBitbucketServerContract(options: { token: string; username: string; password: string; basePath?: string }): Promise<BitbucketServerContract> {
  const git = await startGitHttpServer();
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const requests: BitbucketServerContract['requests'] = [];
  const injected: Array<{ status: number; headers?: Record<string, string>; body?: unknown }> = [];
  const repos = new Map<string, { project: string; slug: string; name: string; description: string; public: boolean }>();
  const lfsEnabled = new Set<string>();
  const accepted = new Set([`Bearer ${options.token}`, `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`]);
  let origin = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const error = (res: ServerResponse, status: number, message: string, exceptionName: string | null = null) =>
    send(res, status, { errors: [{ context: null, message, exceptionName }] } satisfies BitbucketServerErrors);

  const repository = async (key: string): Promise<BitbucketServerRepository> => {
    const info = repos.get(key)!;
    const branch = await mainBranch(git, key);
    return {
      slug: info.slug,
      id: [...repos.keys()].indexOf(key) + 1,
      name: info.name,
      description: info.description,
      state: 'AVAILABLE',
      public: info.public,
      scmId: 'git',
      project: { key: info.project, name: info.project },
      ...(branch ? { defaultBranch: branch } : {}),
      links: {
        self: [{ href: `${origin}${basePath}/projects/${info.project}/repos/${info.slug}/browse` }],
        clone: [
          { name: 'http', href: `${origin}${basePath}/scm/${info.project.toLowerCase()}/${info.slug}.git` },
          { name: 'ssh', href: `ssh://git@127.0.0.1:7999/${info.project.toLowerCase()}/${info.slug}.git` },
        ],
      },
    };
  };

  const api = async (req: IncomingMessage, res: ServerResponse, segments: string[], url: URL) => {
    const [projects, project, reposSegment, slug, what, ...rest] = segments;
    if (projects !== 'projects' || !project || reposSegment !== 'repos') return error(res, 404, 'Not found');
    if (!slug && req.method === 'POST') {
      const body = (await readJson(req)) as { name?: string; description?: string; defaultBranch?: string; public?: boolean } | undefined;
      if (!body?.name) return error(res, 400, 'name is required', 'com.atlassian.bitbucket.validation.ArgumentValidationException');
      const newSlug = body.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
      const key = `${project}/${newSlug}`;
      if (repos.has(key)) return error(res, 409, `This repository URL is already taken by '${body.name}' in '${project}'`, 'com.atlassian.bitbucket.repository.DuplicateRepositoryNameException');
      repos.set(key, { project, slug: newSlug, name: body.name, description: body.description ?? '', public: body.public ?? false });
      await git.createEmptyRepo(key, { branch: body.defaultBranch ?? 'master' });
      return send(res, 201, await repository(key));
    }
    const key = `${project}/${slug}`;
    if (!slug || !repos.has(key)) return error(res, 404, `Repository ${project}/${slug} does not exist.`, 'com.atlassian.bitbucket.repository.NoSuchRepositoryException');
    if (what === undefined) return send(res, 200, await repository(key));
    if (what === 'commits' && rest.length === 0) {
      const until = url.searchParams.get('until') ?? (await mainBranch(git, key)) ?? '';
      const commit = await revParse(git, key, until);
      if (!commit) return error(res, 404, `Commit '${until}' does not exist in repository '${slug}'.`, 'com.atlassian.bitbucket.commit.NoSuchCommitException');
      const page: BitbucketServerPage<BitbucketServerCommit> = { size: 1, limit: 1, isLastPage: false, start: 0, nextPageStart: 1, values: [{ id: commit, displayId: commit.slice(0, 11) }] };
      return send(res, 200, page);
    }
    const at = url.searchParams.get('at') ?? (await mainBranch(git, key)) ?? '';
    const commit = await revParse(git, key, at);
    if (what === 'raw' && rest.length > 0) {
      const path = rest.join('/');
      const content = commit ? await gitBytes(git, key, ['cat-file', 'blob', `${commit}:${path}`]).catch(() => undefined) : undefined;
      if (!content) return error(res, 404, `The path "${path}" does not exist at revision "${at}"`, 'com.atlassian.bitbucket.content.NoSuchPathException');
      return res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(content.length) }).end(content);
    }
    if (what === 'archive' && rest.length === 0) {
      if (url.searchParams.get('format') !== 'tgz') return error(res, 400, 'this contract serves format=tgz only');
      if (!commit) return error(res, 404, `Commit '${at}' does not exist`, 'com.atlassian.bitbucket.commit.NoSuchCommitException');
      const paths = url.searchParams.getAll('path').filter((p) => /^[\w.][\w./-]*$/.test(p));
      const prefix = url.searchParams.get('prefix');
      const archive = await gitBytes(git, key, ['archive', '--format=tar.gz', ...(prefix ? [`--prefix=${prefix}/`] : []), commit, '--', ...paths]);
      return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(archive);
    }
    return error(res, 404, 'Not found');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const authorized = accepted.has(req.headers.authorization ?? '');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorized });
    if (basePath && !url.pathname.startsWith(`${basePath}/`)) return error(res, 404, 'Not found');
    const segments = url.pathname.slice(basePath.length).split('/').filter(Boolean).map(decodeURIComponent);
    const isGit = segments[0] === 'scm' && segments[2]?.endsWith('.git');
    if (!isGit && injected.length > 0) {
      const next = injected.shift()!;
      return send(res, next.status, next.body ?? { errors: [{ context: null, message: `injected ${next.status}`, exceptionName: null }] }, next.headers);
    }
    if (!authorized) {
      if (isGit) return res.writeHead(401, { 'www-authenticate': 'Basic realm="Atlassian Bitbucket"' }).end();
      return error(res, 401, 'Authentication failed. Please check your credentials and try again.', 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException');
    }
    if (isGit) {
      const entry = [...repos.values()].find((r) => r.project.toLowerCase() === segments[1]?.toLowerCase() && `${r.slug}.git` === segments[2]);
      if (!entry) return res.writeHead(404).end();
      return proxyGit(req, res, git, `/${entry.project}/${segments.slice(2).join('/')}`, url.search);
    }
    if (segments[0] === 'rest' && segments[1] === 'api' && segments[2] === '1.0') return api(req, res, segments.slice(3), url);
    const [rest, lfs, admin, projects, project, reposSegment, slug, enabled] = segments;
    if (rest === 'rest' && lfs === 'git-lfs' && admin === 'admin' && projects === 'projects' && reposSegment === 'repos' && enabled === 'enabled' && req.method === 'PUT') {
      if (!repos.has(`${project}/${slug}`)) return error(res, 404, 'Repository does not exist');
      lfsEnabled.add(`${project}/${slug}`);
      return res.writeHead(204).end();
    }
    return error(res, 404, 'Not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      if (!res.headersSent) error(res, 500, String(cause));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    host: `127.0.0.1:${port}`,
    webBaseUrl: `${origin}${basePath}`,
    apiBaseUrl: `${origin}${basePath}/rest/api/1.0`,
    git,
    requests,
    lfsEnabled,
    async createRepo(project, repo, files, repoOptions = {}) {
      repos.set(`${project}/${repo}`, { project, slug: repo, name: repo, description: '', public: false });
      return git.createRepo(`${project}/${repo}`, files, repoOptions.branch ? { branch: repoOptions.branch } : {});
    },
    injectNext(response, times = 1) {
      for (let i = 0; i < times; i++) injected.push(response);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.close();
    },
  };
}
