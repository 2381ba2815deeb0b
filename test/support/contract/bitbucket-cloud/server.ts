import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BitbucketCloudError,
  BitbucketCloudPaginatedCommits,
  BitbucketCloudRepository,
} from '../../../../packages/integrations/src/bitbucket-cloud/api-types.js';
import { type GitHttpServer, startGitHttpServer } from '../../git-http-server.js';
import { gitBytes, mainBranch, proxyGit, readJson, revParse } from './git-proxy.js';
import { assertCloudSchema } from './schema.js';

/**
 * A local stand-in for Bitbucket Cloud: the REST API 2.0 endpoints portalkit uses (repository
 * get/create, commits, src), the archive download `/<ws>/<repo>/get/<rev>.tar.gz`, and git over
 * smart HTTP at `/<ws>/<repo>.git` proxied to a real `git http-backend`. Responses are typed with
 * the schemas of Atlassian's OpenAPI description (api-types.ts) and every repository body is
 * validated against the published `repository` schema (schema.ts). Web links point at
 * https://bitbucket.org (as the real host's do); clone links at this server.
 */
export interface BitbucketCloudContract {
  /** `http://127.0.0.1:<port>`: web paths, archives and git. */
  origin: string;
  /** `http://127.0.0.1:<port>/2.0`: the integration's `apiBaseUrl`. */
  apiBaseUrl: string;
  git: GitHttpServer;
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  /** A repository with one commit of `files` on `branch` (default main); returns the commit. */
  createRepo(workspace: string, repo: string, files: Record<string, string | { symlink: string }>, options?: { branch?: string; project?: string }): Promise<string>;
  /** Answer the next API or archive requests with this (rate limits, redirects, outages). */
  injectNext(response: { status: number; headers?: Record<string, string>; body?: unknown }, times?: number): void;
  close(): Promise<void>;
}

/** Credentials the contract server accepts (as Bitbucket Cloud does for each kind). */
export interface BitbucketCloudContractOptions {
  username: string;
  appPassword: string;
  token: string;
}

/**
 * Start a {@link BitbucketCloudContract} on 127.0.0.1.
 * @example
 * ```ts
 * const cloud = await startBitbucketCloudContract({ username: 'u', appPassword: 'p', token: 't' });
 * await cloud.createRepo('acme', 'web', { 'catalog-info.yaml': 'kind: Component' });
 * ```
 */
export async function startBitbucketCloudContract(options: BitbucketCloudContractOptions): Promise<BitbucketCloudContract> {
  const git = await startGitHttpServer();
  const requests: BitbucketCloudContract['requests'] = [];
  const injected: Array<{ status: number; headers?: Record<string, string>; body?: unknown }> = [];
  const meta = new Map<string, { project: string; description: string; isPrivate: boolean }>();
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const accepted = new Set([basic(options.username, options.appPassword), `Bearer ${options.token}`, basic('x-token-auth', options.token)]);
  let origin = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string) => send(res, status, { type: 'error', error: { message } } satisfies BitbucketCloudError);

  const repository = async (ws: string, slug: string): Promise<BitbucketCloudRepository> => {
    const info = meta.get(`${ws}/${slug}`)!;
    const branch = await mainBranch(git, `${ws}/${slug}`);
    const body: BitbucketCloudRepository = {
      type: 'repository',
      full_name: `${ws}/${slug}`,
      name: slug,
      slug,
      description: info.description,
      is_private: info.isPrivate,
      scm: 'git',
      project: { type: 'project', key: info.project },
      ...(branch ? { mainbranch: { type: 'branch', name: branch } } : {}),
      links: {
        self: { href: `${origin}/2.0/repositories/${ws}/${slug}` },
        html: { href: `https://bitbucket.org/${ws}/${slug}` },
        clone: [
          { name: 'https', href: `${origin}/${ws}/${slug}.git` },
          { name: 'ssh', href: `git@bitbucket.org:${ws}/${slug}.git` },
        ],
      },
    };
    assertCloudSchema('repository', body);
    return body;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, segments: string[], url: URL) => {
    const [, ws, slug, what, revision, ...rest] = segments;
    if (segments[0] !== 'repositories' || !ws || !slug) return error(res, 404, 'Resource not found');
    const name = `${ws}/${slug}`;
    if (what === undefined && req.method === 'POST') {
      if (meta.has(name)) return error(res, 400, 'Repository with this Slug and Owner already exists.');
      const body = (await readJson(req)) as { scm?: string; is_private?: boolean; description?: string; project?: { key?: string } } | undefined;
      if (body?.scm !== undefined && body.scm !== 'git') return error(res, 400, 'scm must be git');
      meta.set(name, { project: body?.project?.key ?? 'PROJ', description: body?.description ?? '', isPrivate: body?.is_private ?? true });
      await git.createEmptyRepo(name);
      return send(res, 200, await repository(ws, slug));
    }
    if (!meta.has(name)) return error(res, 404, `Repository ${name} not found`);
    if (what === undefined) return send(res, 200, await repository(ws, slug));
    const commit = revision ? await revParse(git, name, revision) : undefined;
    if (what === 'commits' && revision && rest.length === 0) {
      if (!commit) return error(res, 404, `Commit not found: ${revision}`);
      const page: BitbucketCloudPaginatedCommits = { pagelen: Number(url.searchParams.get('pagelen') ?? 30), values: [{ type: 'commit', hash: commit }] };
      return send(res, 200, page);
    }
    if (what === 'src' && revision) {
      if (!commit) return error(res, 404, `Commit not found: ${revision}`);
      const path = rest.join('/');
      const type = await gitBytes(git, name, ['cat-file', '-t', `${commit}:${path}`]).then((b) => b.toString().trim(), () => undefined);
      if (type === 'blob') {
        const content = await gitBytes(git, name, ['cat-file', 'blob', `${commit}:${path}`]);
        return res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(content.length) }).end(content);
      }
      if (type === 'tree') {
        const listing = (await gitBytes(git, name, ['ls-tree', commit, path ? `${path}/` : '.'])).toString().split('\n').filter(Boolean);
        const values = listing.map((line) => {
          const [info = '', entryPath = ''] = line.split('\t');
          return { type: info.split(' ')[1] === 'tree' ? 'commit_directory' : 'commit_file', path: entryPath, commit: { type: 'commit', hash: commit } };
        });
        return send(res, 200, { pagelen: values.length, values });
      }
      return error(res, 404, `No such file or directory: ${path}`);
    }
    return error(res, 404, 'Resource not found');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const authorized = accepted.has(req.headers.authorization ?? '');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorized });
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const isGit = segments.length >= 3 && segments[1]?.endsWith('.git');
    if (!isGit && injected.length > 0) {
      const next = injected.shift()!;
      return send(res, next.status, next.body ?? { type: 'error', error: { message: `injected ${next.status}` } }, next.headers);
    }
    if (!authorized) {
      if (isGit) return res.writeHead(401, { 'www-authenticate': 'Basic realm="Bitbucket.org HTTP"' }).end();
      return error(res, 401, 'Authentication failed');
    }
    if (isGit) return proxyGit(req, res, git, `/${segments[0]}/${segments.slice(1).join('/')}`, url.search);
    if (segments[0] === '2.0') return api(req, res, segments.slice(1), url);
    // Web: /<ws>/<repo>/get/<rev>.tar.gz
    const [ws, slug, get, file] = segments;
    if (ws && slug && get === 'get' && file?.endsWith('.tar.gz') && segments.length === 4 && meta.has(`${ws}/${slug}`)) {
      const commit = await revParse(git, `${ws}/${slug}`, file.slice(0, -'.tar.gz'.length));
      if (!commit) return error(res, 404, 'Not found');
      const archive = await gitBytes(git, `${ws}/${slug}`, ['archive', '--format=tar.gz', `--prefix=${ws}-${slug}-${commit.slice(0, 12)}/`, commit]);
      return res.writeHead(200, { 'content-type': 'application/x-gzip' }).end(archive);
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
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    apiBaseUrl: `${origin}/2.0`,
    git,
    requests,
    async createRepo(workspace, repo, files, repoOptions = {}) {
      meta.set(`${workspace}/${repo}`, { project: repoOptions.project ?? 'PROJ', description: '', isPrivate: true });
      return git.createRepo(`${workspace}/${repo}`, files, repoOptions.branch ? { branch: repoOptions.branch } : {});
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
