import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { type GitHttpServer, startGitHttpServer } from '../../git-http-server.js';
import { canRead, canWrite, createAuthority } from './auth.js';
import { gitText, resolveCommit } from './git.js';
import {
  type CommitInfo,
  type ContractAccount,
  type ContractInstallation,
  type ContractRepo,
  githubTime,
  type UrlBases,
} from './json.js';
import { ContractViolation, findOperation, validateRequestBody, validateResponse } from './openapi.js';
import { basicError } from './responses.js';
import {
  type ContractHandler,
  ContractHttpError,
  type ContractMiddleware,
  type ContractRequest,
  type ContractResponse,
  createRouter,
  type Principal,
  type RouteOrigin,
} from './router.js';
import { registerAppRoutes } from './routes-apps.js';
import { registerRepoRoutes } from './routes-repos.js';

/** Options of {@link startGithubContractServer}. */
export interface GithubContractServerOptions {
  /** The personal access token the server accepts (as user `octocat`); default `ghp_contract_token`. */
  token?: string;
  /** Lifetime of installation tokens; default one hour (as GitHub). */
  installationTokenTtlMs?: number;
}

/**
 * A local GitHub: the REST API under `<baseUrl>/api/v3` (GitHub Enterprise's layout), git smart
 * HTTP at `<baseUrl>/<owner>/<repo>.git`, raw files at `<baseUrl>/raw/...` and archives on a
 * second origin (like codeload.github.com). Every JSON body it sends (and every JSON request body
 * it receives) is validated against GitHub's published API description; a mismatch answers 500,
 * is recorded in `violations`, and makes `close()` throw.
 */
export interface GithubContractServer {
  /** Web origin, `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** `127.0.0.1:<port>`: the integration's `host`. */
  host: string;
  /** `<baseUrl>/api/v3`. */
  apiBaseUrl: string;
  /** `<baseUrl>/raw` (GitHub Enterprise's raw URLs). */
  rawBaseUrl: string;
  /** The archive origin the tarball API redirects to. */
  codeloadBaseUrl: string;
  /** The personal access token accepted (as `octocat`). */
  token: string;
  /** The real git server backing the repositories (no auth of its own; the proxy checks tokens). */
  git: GitHttpServer;
  /** Every request seen, for assertions. */
  requests: Array<{ origin: RouteOrigin; method: string; path: string; authorization: boolean; status?: number }>;
  /** Contract violations (responses or requests not matching GitHub's description). */
  violations: string[];
  addAccount(login: string, type?: ContractAccount['type']): ContractAccount;
  /** Create `<owner>/<name>` with one commit of `files`; returns the repository and the commit. */
  addRepo(
    owner: string,
    name: string,
    files: Record<string, string | { symlink: string }>,
    options?: { branch?: string; private?: boolean; description?: string; ownerType?: ContractAccount['type'] },
  ): Promise<{ repo: ContractRepo; sha: string }>;
  getRepo(owner: string, name: string): ContractRepo | undefined;
  /** Accept another personal access token, as `login`. */
  addToken(token: string, login?: string): void;
  /** Register a GitHub App by id and the public key its JWTs are verified with. */
  addApp(app: { appId: number; publicKey: KeyObject | string }): void;
  /** Install an app on an account (created as an organization when unknown). */
  addInstallation(appId: number, accountLogin: string): ContractInstallation;
  /**
   * Register a handler; API patterns must be GitHub's OpenAPI path templates (`{name}`
   * parameters; a last `{path}`, `{ref}` or `{branch}` spans slashes). A later registration
   * overrides an earlier one; the returned function removes it again.
   */
  route(method: string, pattern: string, handler: ContractHandler, options?: { on?: RouteOrigin }): () => void;
  /** Run `middleware` before every handler; returns a function removing it. */
  use(middleware: ContractMiddleware): () => void;
  /** The repository of `{owner}/{repo}` params, readable (or writable) by the caller, else a 404 (403). */
  requireRepo(request: ContractRequest, options?: { write?: boolean }): ContractRepo;
  /** The commit of a branch, tag or sha of `repo`, or undefined. */
  resolveCommit(repo: ContractRepo, ref: string): Promise<string | undefined>;
  /** `git log -1` of a commit, as GitHub's JSON builders need it. */
  commitInfo(repo: ContractRepo, sha: string): Promise<CommitInfo>;
  urls: UrlBases & { codeloadBaseUrl: string };
  /** Throw if any contract violation happened. */
  assertNoViolations(): void;
  close(): Promise<void>;
}

/**
 * Start a {@link GithubContractServer} on 127.0.0.1.
 * @example
 * ```ts
 * const github = await startGithubContractServer();
 * const { sha } = await github.addRepo('acme', 'web', { 'catalog-info.yaml': 'kind: Component' });
 * // new Octokit({ baseUrl: github.apiBaseUrl, auth: github.token })
 * await github.close();
 * ```
 */
export async function startGithubContractServer(options: GithubContractServerOptions = {}): Promise<GithubContractServer> {
  const git = await startGitHttpServer();
  const authority = createAuthority({ tokenTtlMs: options.installationTokenTtlMs ?? 3600_000 });
  const token = options.token ?? 'ghp_contract_token';
  authority.addToken(token, 'octocat');
  const router = createRouter();
  const middlewares: ContractMiddleware[] = [];
  const accounts = new Map<string, ContractAccount>();
  const repos = new Map<string, ContractRepo>();
  const requests: GithubContractServer['requests'] = [];
  const violations: string[] = [];

  const web = await listen((req, res) => void dispatch('web', req, res));
  const codeload = await listen((req, res) => void dispatch('codeload', req, res));
  const baseUrl = `http://127.0.0.1:${web.port}`;
  const urls = { baseUrl, apiBaseUrl: `${baseUrl}/api/v3`, codeloadBaseUrl: `http://127.0.0.1:${codeload.port}` };

  const addAccount: GithubContractServer['addAccount'] = (login, type = 'Organization') => {
    const key = login.toLowerCase();
    let account = accounts.get(key);
    if (!account) {
      account = { login, id: 100 + accounts.size + 1, type };
      accounts.set(key, account);
    }
    return account;
  };
  addAccount('octocat', 'User');

  const violation = (message: string): ContractResponse => {
    violations.push(message);
    return { status: 500, json: { message: `contract violation: ${message}` } };
  };

  async function dispatch(listener: 'web' | 'codeload', req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = listener === 'web' && (url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/'));
    const origin: RouteOrigin = isApi ? 'api' : listener;
    const routePath = isApi ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname;
    const entry: GithubContractServer['requests'][number] = { origin, method: req.method ?? 'GET', path: url.pathname, authorization: !!req.headers.authorization };
    requests.push(entry);
    if (origin === 'web' && /^\/[^/]+\/[^/]+\.git(\/|$)/.test(url.pathname)) {
      proxyGit(req, res, url, entry);
      return;
    }
    const rawBody = await readBody(req);
    const response = await answer(origin, req, url, routePath, rawBody);
    entry.status = response.status;
    send(res, response);
  }

  async function answer(origin: RouteOrigin, req: IncomingMessage, url: URL, routePath: string, rawBody: Buffer): Promise<ContractResponse> {
    const method = req.method ?? 'GET';
    const matched = router.match(origin, method, routePath);
    if (!matched) {
      if (origin === 'api') return violation(`no route for ${method} ${routePath} (the contract server does not implement it)`);
      return { status: 404, body: 'Not Found' };
    }
    const template = matched.route.template;
    let body: unknown;
    if (rawBody.length && String(req.headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return finish(origin, method, template, basicError(400, 'Problems parsing JSON'));
      }
    }
    let response: ContractResponse;
    try {
      const principal = authority.authenticate(req.headers.authorization);
      const request: ContractRequest = { origin, method, template, path: routePath, params: matched.params, query: url.searchParams, headers: req.headers, body, rawBody, principal };
      if (origin === 'api') validateRequestBody(method, template, body);
      response = (await runMiddlewares(request)) ?? (await matched.route.handler(request));
    } catch (error) {
      if (error instanceof ContractHttpError) response = { ...basicError(error.status, error.message), headers: error.headers };
      else if (error instanceof ContractViolation) return violation(error.message);
      else return violation(`handler of ${method} ${template} threw: ${(error as Error).stack ?? error}`);
    }
    return finish(origin, method, template, response);
  }

  async function runMiddlewares(request: ContractRequest): Promise<ContractResponse | undefined> {
    for (const middleware of [...middlewares]) {
      const response = await middleware(request);
      if (response) return response;
    }
    return undefined;
  }

  function finish(origin: RouteOrigin, method: string, template: string, response: ContractResponse): ContractResponse {
    if (origin !== 'api') return response;
    try {
      validateResponse(method, template, response.status, response.json);
    } catch (error) {
      return violation((error as Error).message);
    }
    return {
      ...response,
      headers: {
        'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-used': '1',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...response.headers,
      },
    };
  }

  /** Git smart HTTP: check the token (basic auth, password = token), then hand over to git http-backend. */
  function proxyGit(req: IncomingMessage, res: ServerResponse, url: URL, entry: GithubContractServer['requests'][number]) {
    const [, owner = '', repoGit = ''] = url.pathname.split('/');
    const repo = repos.get(`${owner}/${repoGit.replace(/\.git$/, '')}`.toLowerCase());
    const push = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
    let principal: Principal | undefined;
    try {
      principal = authority.authenticate(req.headers.authorization);
    } catch {
      principal = undefined;
    }
    const allowed = repo && (push ? canWrite(principal, repo) : canRead(principal, repo));
    if (!allowed) {
      entry.status = principal ? 403 : 401;
      if (!principal) res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' }).end('Authentication required');
      else res.writeHead(403).end('Permission denied');
      return;
    }
    const target = new URL(`${url.pathname.replace(/^\/[^/]+\/[^/]+\.git/, `/${repo.owner.login}/${repo.name}.git`)}${url.search}`, git.baseUrl);
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const upstream = httpRequest(target, { method: req.method, headers }, (upstreamRes) => {
      entry.status = upstreamRes.statusCode;
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }

  const server: GithubContractServer = {
    baseUrl,
    host: `127.0.0.1:${web.port}`,
    apiBaseUrl: urls.apiBaseUrl,
    rawBaseUrl: `${baseUrl}/raw`,
    codeloadBaseUrl: urls.codeloadBaseUrl,
    token,
    git,
    requests,
    violations,
    urls,
    addAccount,
    async addRepo(owner, name, files, repoOptions = {}) {
      const account = addAccount(owner, repoOptions.ownerType);
      const branch = repoOptions.branch ?? 'main';
      const sha = await git.createRepo(`${account.login}/${name}`, files, { branch });
      await git.git(`${account.login}/${name}`, ['config', 'http.receivepack', 'true']);
      const repo: ContractRepo = {
        owner: account,
        name,
        id: 5000 + repos.size + 1,
        private: repoOptions.private ?? false,
        defaultBranch: branch,
        description: repoOptions.description ?? null,
        gitDir: path.join(git.root, `${account.login}/${name}.git`),
        createdAt: githubTime(),
        topics: [],
      };
      repos.set(`${account.login}/${name}`.toLowerCase(), repo);
      return { repo, sha };
    },
    getRepo: (owner, name) => repos.get(`${owner}/${name}`.toLowerCase()),
    addToken: (extra, login = 'octocat') => authority.addToken(extra, login),
    addApp: (app) => authority.addApp(app.appId, app.publicKey),
    addInstallation: (appId, login) => authority.addInstallation(appId, addAccount(login)),
    route(method, pattern, handler, routeOptions = {}) {
      const origin = routeOptions.on ?? 'api';
      if (origin === 'api' && !findOperation(method, pattern)) throw new ContractViolation(`${method} ${pattern} is not an operation of GitHub's API description`);
      return router.add(origin, method, pattern, handler);
    },
    use(middleware) {
      middlewares.push(middleware);
      return () => {
        const index = middlewares.indexOf(middleware);
        if (index >= 0) middlewares.splice(index, 1);
      };
    },
    requireRepo(request, requireOptions = {}) {
      const repo = repos.get(`${request.params.owner}/${request.params.repo}`.toLowerCase());
      if (!repo || !canRead(request.principal, repo)) throw new ContractHttpError(404, 'Not Found');
      if (requireOptions.write && !canWrite(request.principal, repo)) throw new ContractHttpError(403, 'Resource not accessible by integration');
      return repo;
    },
    resolveCommit: (repo, ref) => resolveCommit(repo.gitDir, ref),
    async commitInfo(repo, sha) {
      const format = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00');
      const fields = (await gitText(repo.gitDir, ['log', '-1', `--format=${format}`, '--end-of-options', sha])).split('\0');
      const [commit, tree, parents, authorName, authorEmail, authorDate, committerName, committerEmail, committerDate, message] = fields;
      const utc = (date: string | undefined) => githubTime(new Date(date ?? 0));
      return {
        sha: commit!,
        tree: tree!,
        parents: parents ? parents.split(' ') : [],
        authorName: authorName!,
        authorEmail: authorEmail!,
        authorDate: utc(authorDate),
        committerName: committerName!,
        committerEmail: committerEmail!,
        committerDate: utc(committerDate),
        message: message ?? '',
      };
    },
    assertNoViolations() {
      if (violations.length) throw new ContractViolation(`the GitHub contract server saw ${violations.length} violation(s):\n${violations.join('\n')}`);
    },
    async close() {
      await Promise.all([web.close(), codeload.close(), git.close()]);
      server.assertNoViolations();
    },
  };
  registerRepoRoutes(server);
  registerAppRoutes(server, authority);
  return server;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: ContractResponse) {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | Buffer | undefined = response.body;
  if (response.json !== undefined) {
    payload = JSON.stringify(response.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
