import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startGitHttpServer, type GitHttpServer } from '../../git-http-server.js';
import { gitObjects, type TreeEntry } from '../git-objects.js';
import { proxyGit } from '../git-proxy.js';
import { createSchemaValidator } from '../validator.js';
import type { Commit, ContentsResponse, CreateRepoOption, GitEntry, GitTreeResponse, Organization, Repository, User } from './gitea-types.js';

/**
 * A local Gitea for contract tests: the API calls portalkit makes (`/api/v1/...`), answered
 * from real repositories of a git server and checked against Gitea's swagger definitions, plus
 * git smart HTTP at `/<owner>/<repo>.git` (proxied to `git http-backend`, so pushes work).
 */
export interface GiteaContractServer {
  /** `http://127.0.0.1:<port>`: the web, API and git base URL. */
  baseUrl: string;
  host: string;
  git: GitHttpServer;
  /** Create `<owner>/<repo>` with one commit of `files` (symlinks allowed). */
  createRepo(owner: string, repo: string, files: Record<string, string | { symlink: string }>, options?: { branch?: string }): Promise<string>;
  /** Answer the next `count` API requests with 429 and rate-limit headers. */
  rateLimit(count: number): void;
  /** Answer the next API request with a redirect to `location`. */
  redirectNext(location: string): void;
  /** Responses that did not match Gitea's definitions (a test expects none). */
  violations: string[];
  /** API and git requests seen, with whether they carried valid credentials. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  close(): Promise<void>;
}

interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  description: string;
  private: boolean;
}

/**
 * Start a {@link GiteaContractServer}. `user` is the only account (basic auth with its
 * password, or `token <password>`); `orgs` are organizations it may create repositories in.
 * @example
 * ```ts
 * const gitea = await startGiteaContractServer({ user: { username: 'bot', password: 'secret' }, orgs: ['acme'] });
 * await gitea.createRepo('acme', 'web', { 'catalog-info.yaml': 'kind: Component' });
 * ```
 */
export async function startGiteaContractServer(options: { user: { username: string; password: string }; orgs?: string[] }): Promise<GiteaContractServer> {
  const git = await startGitHttpServer();
  const validator = createSchemaValidator(new URL('./gitea-swagger-definitions.json', import.meta.url));
  const repos = new Map<string, RepoRecord>();
  const orgs = new Set(options.orgs ?? []);
  const requests: GiteaContractServer['requests'] = [];
  let rateLimited = 0;
  let redirect: string | undefined;
  let nextId = 1;
  let baseUrl = '';

  const authorized = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const { username, password } = options.user;
    return header === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` || header === `token ${password}` || header === `Bearer ${password}`;
  };
  const send = (res: ServerResponse, status: number, definition: string | undefined, body: unknown) => {
    if (definition) validator.validate(definition, body);
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
  };
  const apiError = (res: ServerResponse, status: number, message: string) => send(res, status, undefined, { message, url: `${baseUrl}/api/swagger` });

  const user = (login: string): User => ({ id: 1, login, login_name: '', full_name: login, email: `${login}@example.com`, avatar_url: `${baseUrl}/avatars/${login}`, is_admin: false, active: true, created: '2024-01-01T00:00:00Z', visibility: 'public' });
  const repository = async (record: RepoRecord): Promise<Repository> => {
    const objects = gitObjects(path.join(git.root, `${record.owner}/${record.name}.git`));
    const head = await objects.head();
    const empty = (await objects.resolve(head)) === undefined;
    const full = `${record.owner}/${record.name}`;
    return {
      id: record.id,
      owner: user(record.owner),
      name: record.name,
      full_name: full,
      description: record.description,
      empty,
      private: record.private,
      fork: false,
      html_url: `${baseUrl}/${full}`,
      clone_url: `${baseUrl}/${full}.git`,
      ssh_url: `git@${new URL(baseUrl).host}:${full}.git`,
      default_branch: head,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      permissions: { admin: true, push: true, pull: true },
    };
  };
  const contents = (owner: string, repo: string, ref: string, entry: TreeEntry, content?: Buffer): ContentsResponse => {
    const type = entry.mode === '120000' ? 'symlink' : entry.type === 'tree' ? 'dir' : entry.type === 'commit' ? 'submodule' : 'file';
    const api = `${baseUrl}/api/v1/repos/${owner}/${repo}`;
    const response: ContentsResponse = {
      name: path.posix.basename(entry.path),
      path: entry.path,
      sha: entry.sha,
      last_commit_sha: ref,
      type,
      size: entry.size ?? 0,
      url: `${api}/contents/${entry.path}?ref=${ref}`,
      html_url: `${baseUrl}/${owner}/${repo}/src/commit/${ref}/${entry.path}`,
      git_url: `${api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${entry.sha}`,
      _links: { self: `${api}/contents/${entry.path}?ref=${ref}` },
    };
    if (type === 'file' && content) Object.assign(response, { encoding: 'base64', content: content.toString('base64'), download_url: `${baseUrl}/${owner}/${repo}/raw/commit/${ref}/${entry.path}` });
    if (type === 'symlink' && content) response.target = content.toString('utf8');
    return response;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const route = url.pathname.slice('/api/v1'.length);
    const method = req.method ?? 'GET';
    let match = /^\/orgs\/([^/]+)$/.exec(route);
    if (match && method === 'GET') {
      const name = decodeURIComponent(match[1]!);
      if (!orgs.has(name)) return apiError(res, 404, 'GetOrgByName');
      const org: Organization = { id: 100, name, username: name, full_name: name, avatar_url: `${baseUrl}/avatars/${name}`, description: '', website: '', location: '', visibility: 'public', repo_admin_change_team_access: false };
      return send(res, 200, 'Organization', org);
    }
    match = /^\/(?:orgs\/([^/]+)|user)\/repos$/.exec(route);
    if (match && method === 'POST') {
      const owner = match[1] ? decodeURIComponent(match[1]) : options.user.username;
      if (match[1] && !orgs.has(owner)) return apiError(res, 404, 'GetOrgByName');
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as CreateRepoOption;
      if (validator.validate('CreateRepoOption', body).length > 0 || !/^[\w.-]+$/.test(body.name ?? '')) return apiError(res, 422, 'invalid repository options');
      if (repos.has(`${owner}/${body.name}`)) return apiError(res, 409, 'The repository with the same name already exists.');
      const record: RepoRecord = { id: nextId++, owner, name: body.name, description: body.description ?? '', private: body.private ?? false };
      await git.createEmptyRepo(`${owner}/${body.name}`, { branch: body.default_branch || 'main' });
      repos.set(`${owner}/${body.name}`, record);
      return send(res, 201, 'Repository', await repository(record));
    }
    match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(route);
    const record = match ? repos.get(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`) : undefined;
    if (!match || !record || method !== 'GET') return apiError(res, 404, 'Not Found');
    const rest = match[3] ?? '';
    const { owner, name } = record;
    const objects = gitObjects(path.join(git.root, `${owner}/${name}.git`));
    if (rest === '') return send(res, 200, 'Repository', await repository(record));
    const archive = /^\/archive\/(.+)\.tar\.gz$/.exec(rest);
    if (archive) {
      const sha = await objects.resolve(decodeURIComponent(archive[1]!));
      if (!sha) return apiError(res, 404, 'GetRefCommitID');
      const body = await objects.archive('tar.gz', sha, `${name}/`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${name}.tar.gz"` }).end(body);
      return;
    }
    const commitMatch = /^\/git\/commits\/([^/]+)$/.exec(rest);
    if (commitMatch) {
      const sha = await objects.resolve(decodeURIComponent(commitMatch[1]!));
      if (!sha) return apiError(res, 404, 'object does not exist');
      const info = await objects.commitInfo(sha);
      const signature = { name: info.author, email: info.email, date: info.date };
      const commit: Commit = {
        url: `${baseUrl}/api/v1/repos/${owner}/${name}/git/commits/${sha}`,
        sha,
        created: info.date,
        html_url: `${baseUrl}/${owner}/${name}/commit/${sha}`,
        commit: { url: `${baseUrl}/api/v1/repos/${owner}/${name}/git/commits/${sha}`, author: signature, committer: signature, message: info.message, tree: { sha: info.tree, url: `${baseUrl}/api/v1/repos/${owner}/${name}/git/trees/${info.tree}`, created: info.date } },
        parents: [],
      };
      return send(res, 200, 'Commit', commit);
    }
    const treeMatch = /^\/git\/trees\/([^/]+)$/.exec(rest);
    if (treeMatch) {
      const sha = await objects.resolve(decodeURIComponent(treeMatch[1]!));
      if (!sha) return apiError(res, 400, 'sha not found');
      const all = await objects.list(sha, '', url.searchParams.get('recursive') === 'true');
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const perPage = Math.min(1000, Math.max(1, Number(url.searchParams.get('per_page') ?? 1000)));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const tree: GitEntry[] = slice.map((entry) => ({ path: entry.path, mode: entry.mode, type: entry.type, size: entry.size ?? 0, sha: entry.sha, url: `${baseUrl}/api/v1/repos/${owner}/${name}/git/blobs/${entry.sha}` }));
      const response: GitTreeResponse = { sha, url: `${baseUrl}/api/v1/repos/${owner}/${name}/git/trees/${sha}`, tree, truncated: page * perPage < all.length, page, total_count: all.length };
      return send(res, 200, 'GitTreeResponse', response);
    }
    const contentsMatch = /^\/contents\/(.*)$/.exec(rest);
    if (contentsMatch) {
      const ref = url.searchParams.get('ref') || (await objects.head());
      const sha = await objects.resolve(ref);
      if (!sha) return apiError(res, 404, 'object does not exist');
      const filePath = decodeURIComponent(contentsMatch[1]!).replace(/\/+$/, '');
      const entry = await objects.entry(sha, filePath);
      if (filePath && !entry) return apiError(res, 404, 'object does not exist');
      if (!entry || entry.type === 'tree') {
        const listing = await objects.list(sha, filePath, false);
        return send(res, 200, 'ContentsResponse[]', listing.map((child) => contents(owner, name, sha, child)));
      }
      const content = entry.type === 'blob' ? await objects.blob(entry.sha) : undefined;
      return send(res, 200, 'ContentsResponse', contents(owner, name, sha, entry, content));
    }
    return apiError(res, 404, 'Not Found');
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ok = authorized(req);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorized: ok });
    const gitMatch = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(url.pathname);
    if (gitMatch) {
      if (!ok || !repos.has(`${gitMatch[1]}/${gitMatch[2]}`)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="Gitea"' }).end();
        return;
      }
      proxyGit(req, res, `${git.baseUrl}${url.pathname}${url.search}`);
      return;
    }
    if (!url.pathname.startsWith('/api/v1/')) return apiError(res, 404, 'Not Found');
    if (redirect) {
      res.writeHead(302, { location: redirect }).end();
      redirect = undefined;
      return;
    }
    if (rateLimited > 0) {
      rateLimited--;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) });
      res.end(JSON.stringify({ message: 'rate limit exceeded' }));
      return;
    }
    if (!ok) return apiError(res, 401, 'user does not exist [uid: 0, name: ]');
    handleApi(req, res, url).catch((error: Error) => {
      if (!res.headersSent) apiError(res, 500, error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    host: `127.0.0.1:${port}`,
    git,
    violations: validator.violations,
    requests,
    async createRepo(owner, repo, files, repoOptions = {}) {
      const sha = await git.createRepo(`${owner}/${repo}`, files, repoOptions);
      repos.set(`${owner}/${repo}`, { id: nextId++, owner, name: repo, description: '', private: true });
      return sha;
    },
    rateLimit: (count) => {
      rateLimited = count;
    },
    redirectNext: (location) => {
      redirect = location;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.close();
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
