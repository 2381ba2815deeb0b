import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitHttpServer, type GitHttpServer } from '../../git-http-server.js';
import { githubResponse, githubSampleAt, validateGithubRequest, validateGithubResponse } from './publish-openapi.js';

/** An account of the contract server: a user or an organization. */
export interface ContractAccount {
  login: string;
  type: 'User' | 'Organization';
  name?: string;
  email?: string;
  bio?: string;
}

/** A team of an organization. */
export interface ContractTeam {
  org: string;
  slug: string;
  name: string;
  description?: string;
  /** Slug of the parent team. */
  parent?: string;
  members: string[];
}

/** A repository's API-side state (its git data lives in the git server). */
export interface ContractRepo {
  id: number;
  owner: string;
  name: string;
  visibility: 'public' | 'private' | 'internal';
  description: string | null;
  homepage: string | null;
  topics: string[];
  fork: boolean;
  archived: boolean;
  settings: Record<string, unknown>;
  protection: Record<string, unknown> | undefined;
  collaborators: Record<string, string>;
  teams: Record<string, string>;
}

interface ContractPull {
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  reviewers: string[];
  teamReviewers: string[];
}

/** A GitHub REST contract server serving repositories over smart HTTP (see startGithubPublishServer). */
export interface GithubPublishServer {
  /** `http://127.0.0.1:<port>`: the web and git origin (`<base>/<owner>/<repo>.git`). */
  baseUrl: string;
  /** `<baseUrl>/api/v3`, as on GitHub Enterprise Server. */
  apiBaseUrl: string;
  host: string;
  token: string;
  git: GitHttpServer;
  accounts: Map<string, ContractAccount>;
  teams: ContractTeam[];
  repos: Map<string, ContractRepo>;
  pulls: ContractPull[];
  /** Every API request seen. */
  requests: Array<{ method: string; path: string }>;
  /** Responses or requests that did not match GitHub's OpenAPI description: must stay empty. */
  violations: string[];
  /** While set, every API request is refused as rate limited (403 with GitHub's headers, or 429). */
  rateLimited: false | 403 | 429;
  /** Add a repository with files on its default branch. */
  addRepo(owner: string, name: string, files: Record<string, string>, options?: { topics?: string[]; visibility?: ContractRepo['visibility']; fork?: boolean; archived?: boolean; branch?: string }): Promise<ContractRepo>;
  close(): Promise<void>;
}

type Params = Record<string, string>;
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Handler = (ctx: { params: Params; query: URLSearchParams; body: Record<string, unknown>; login: string }) => Promise<Reply> | Reply;

const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

/**
 * Start a GitHub REST contract server for publishing and catalog providers: one origin serving
 * the API under `/api/v3` and the repositories over smart HTTP (real `git http-backend`, basic
 * auth `x-access-token:<token>`). Every request and response is checked against GitHub's
 * OpenAPI description (`@octokit/openapi`); mismatches land in `violations`.
 */
export async function startGithubPublishServer(options: { token?: string; login?: string } = {}): Promise<GithubPublishServer> {
  const token = options.token ?? 'ghp_contract_token';
  const login = options.login ?? 'octo-user';
  const git = await startGitHttpServer({ auth: { username: 'x-access-token', password: token } });
  const state = {
    accounts: new Map<string, ContractAccount>([[login, { login, type: 'User' as const, name: 'Octo User' }]]),
    teams: [] as ContractTeam[],
    repos: new Map<string, ContractRepo>(),
    pulls: [] as ContractPull[],
  };
  let nextId = 1000;
  let base = '';

  const repoKey = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
  const gitName = (repo: ContractRepo) => `${repo.owner}/${repo.name}`;
  const branches = async (repo: ContractRepo) => (await git.git(gitName(repo), ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'])).split('\n').filter(Boolean);
  const hasBranch = async (repo: ContractRepo, branch: string) => (await branches(repo)).includes(branch);
  // As GitHub does, the first branch pushed to an empty repository becomes its default.
  const defaultBranch = async (repo: ContractRepo) => {
    const head = (await git.git(gitName(repo), ['symbolic-ref', '--short', 'HEAD'])).trim();
    const all = await branches(repo);
    if (all.length === 0 || all.includes(head)) return head;
    await git.git(gitName(repo), ['symbolic-ref', 'HEAD', `refs/heads/${all[0]}`]);
    return all[0]!;
  };
  // A `simple-user`: GitHub's required fields from the description, the real ones laid over.
  const accountJson = (account: ContractAccount) => githubResponse('GET', '/orgs/{org}/members', 200, {
    login: account.login,
    id: account.login.length,
    node_id: `U_${account.login}`,
    avatar_url: `${base}/avatars/${account.login}`,
    gravatar_id: null,
    url: `${base}/api/v3/users/${account.login}`,
    html_url: `${base}/${account.login}`,
    type: account.type,
    site_admin: false,
  });
  const repoJson = async (method: string, route: string, status: number, repo: ContractRepo) => {
    const owner = state.accounts.get(repo.owner.toLowerCase())!;
    return githubResponse(method, route, status, {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: accountJson(owner),
      private: repo.visibility !== 'public',
      visibility: repo.visibility,
      html_url: `${base}/${repo.owner}/${repo.name}`,
      clone_url: `${base}/${repo.owner}/${repo.name}.git`,
      git_url: `git://${base.slice('http://'.length)}/${repo.owner}/${repo.name}.git`,
      ssh_url: `git@${base.slice('http://'.length)}:${repo.owner}/${repo.name}.git`,
      url: `${base}/api/v3/repos/${repo.owner}/${repo.name}`,
      description: repo.description,
      homepage: repo.homepage,
      fork: repo.fork,
      archived: repo.archived,
      topics: repo.topics,
      default_branch: await defaultBranch(repo),
      ...repo.settings,
    });
  };
  const createRepo = async (owner: string, body: Record<string, unknown>): Promise<Reply> => {
    const name = String(body.name ?? '');
    if (state.repos.has(repoKey(owner, name))) {
      return { status: 422, body: { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }], documentation_url: 'https://docs.github.com/rest' } };
    }
    const visibility = (body.visibility as ContractRepo['visibility'] | undefined) ?? (body.private ? 'private' : 'public');
    const settings = Object.fromEntries(Object.entries(body).filter(([key]) => key.startsWith('allow_') || key.startsWith('has_') || key === 'delete_branch_on_merge'));
    const repo: ContractRepo = { id: nextId++, owner, name, visibility, description: (body.description as string) ?? null, homepage: (body.homepage as string) ?? null, topics: [], fork: false, archived: false, settings, protection: undefined, collaborators: {}, teams: {} };
    await git.createEmptyRepo(gitName(repo));
    state.repos.set(repoKey(owner, name), repo);
    return { status: 201, body: await repoJson('POST', '/user/repos', 201, repo) };
  };
  const findRepo = (params: Params) => state.repos.get(repoKey(params.owner!, params.repo!));
  const teamJson = (team: ContractTeam, withParent: boolean): Record<string, unknown> => {
    const parent = team.parent ? state.teams.find((t) => t.org === team.org && t.slug === team.parent) : undefined;
    return githubResponse('GET', '/orgs/{org}/teams', 200, {
      id: team.slug.length * 7 + team.name.length,
      node_id: `T_${team.slug}`,
      name: team.name,
      slug: team.slug,
      description: team.description ?? null,
      privacy: 'closed',
      permission: 'pull',
      url: `${base}/api/v3/orgs/${team.org}/teams/${team.slug}`,
      html_url: `${base}/orgs/${team.org}/teams/${team.slug}`,
      members_url: `${base}/api/v3/orgs/${team.org}/teams/${team.slug}/members{/member}`,
      repositories_url: `${base}/api/v3/orgs/${team.org}/teams/${team.slug}/repos`,
      ...(withParent ? { parent: parent ? teamJson(parent, false) : null } : {}),
    });
  };
  const pullJson = (pull: ContractPull, status: number, method = 'POST', route = '/repos/{owner}/{repo}/pulls') => {
    const repoUser = accountJson(state.accounts.get(pull.owner.toLowerCase())!);
    const repo = { id: 1, name: pull.repo, full_name: `${pull.owner}/${pull.repo}`, owner: repoUser, html_url: `${base}/${pull.owner}/${pull.repo}`, clone_url: `${base}/${pull.owner}/${pull.repo}.git` };
    const ref = (branch: string, side: 'head' | 'base') => ({ label: `${pull.owner}:${branch}`, ref: branch, sha: '0'.repeat(40), user: repoUser, repo: githubSampleAt(method, route, status, [side, 'repo'], repo) });
    return githubResponse(method, route, status, {
      id: pull.number + 5000,
      number: pull.number,
      state: 'open',
      title: pull.title,
      body: pull.body,
      draft: pull.draft,
      html_url: `${base}/${pull.owner}/${pull.repo}/pull/${pull.number}`,
      url: `${base}/api/v3/repos/${pull.owner}/${pull.repo}/pulls/${pull.number}`,
      user: repoUser,
      head: ref(pull.head, 'head'),
      base: ref(pull.base, 'base'),
    });
  };
  const page = <T>(items: T[], query: URLSearchParams, path: string): { body: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
    const pageNo = Number(query.get('page') ?? 1);
    const body = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const headers: Record<string, string> = {};
    if (pageNo * perPage < items.length) {
      const next = new URLSearchParams(query);
      next.set('page', String(pageNo + 1));
      headers.link = `<${base}/api/v3${path}?${next}>; rel="next"`;
    }
    return { body, headers };
  };

  const routes: Array<[string, string, Handler]> = [
    ['GET', '/users/{username}', ({ params }) => {
      const account = state.accounts.get(params.username!.toLowerCase());
      if (!account) return notFound;
      return { status: 200, body: githubResponse('GET', '/users/{username}', 200, { ...accountJson(account), name: account.name ?? null, email: account.email ?? null, bio: account.bio ?? null, public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z' }) };
    }],
    ['GET', '/user', ({ login: user }) => {
      const account = state.accounts.get(user.toLowerCase())!;
      return { status: 200, body: githubResponse('GET', '/user', 200, { ...accountJson(account), name: account.name ?? null, email: account.email ?? null, bio: account.bio ?? null, public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z' }) };
    }],
    ['POST', '/orgs/{org}/repos', async ({ params, body }) => {
      const org = state.accounts.get(params.org!.toLowerCase());
      if (org?.type !== 'Organization') return notFound;
      return createRepo(org.login, body);
    }],
    ['POST', '/user/repos', ({ body, login: user }) => createRepo(user, body)],
    ['GET', '/repos/{owner}/{repo}', async ({ params }) => {
      const repo = findRepo(params);
      return repo ? { status: 200, body: await repoJson('GET', '/repos/{owner}/{repo}', 200, repo) } : notFound;
    }],
    ['PUT', '/repos/{owner}/{repo}/topics', ({ params, body }) => {
      const repo = findRepo(params);
      if (!repo) return notFound;
      repo.topics = (body.names as string[]) ?? [];
      return { status: 200, body: { names: repo.topics } };
    }],
    ['PUT', '/repos/{owner}/{repo}/branches/{branch}/protection', async ({ params, body }) => {
      const repo = findRepo(params);
      if (!repo || !(await hasBranch(repo, params.branch!))) return { status: 404, body: { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest' } };
      repo.protection = body;
      return { status: 200, body: githubResponse('PUT', '/repos/{owner}/{repo}/branches/{branch}/protection', 200, { url: `${base}/api/v3/repos/${repo.owner}/${repo.name}/branches/${params.branch}/protection` }) };
    }],
    ['PUT', '/repos/{owner}/{repo}/collaborators/{username}', ({ params, body }) => {
      const repo = findRepo(params);
      if (!repo || !state.accounts.has(params.username!.toLowerCase())) return notFound;
      repo.collaborators[params.username!] = String(body.permission ?? 'push');
      return { status: 204 };
    }],
    ['PUT', '/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', ({ params, body }) => {
      const repo = findRepo(params);
      if (!repo || !state.teams.some((t) => t.org === params.org && t.slug === params.team_slug)) return notFound;
      repo.teams[params.team_slug!] = String(body.permission ?? 'push');
      return { status: 204 };
    }],
    ['GET', '/orgs/{org}/repos', ({ params, query }) => {
      const repos = [...state.repos.values()].filter((r) => r.owner.toLowerCase() === params.org!.toLowerCase());
      const { body, headers } = page(repos, query, `/orgs/${params.org}/repos`);
      return Promise.all(body.map((r) => repoJson('GET', '/orgs/{org}/repos', 200, r))).then((json) => ({ status: 200, body: json, headers }));
    }],
    ['GET', '/repos/{owner}/{repo}/contents/{path}', async ({ params, query }) => {
      const repo = findRepo(params);
      if (!repo) return notFound;
      const ref = query.get('ref') ?? (await defaultBranch(repo));
      try {
        const content = await git.git(gitName(repo), ['cat-file', 'blob', `${ref}:${params.path}`]);
        const name = params.path!.split('/').pop()!;
        return { status: 200, body: githubResponse('GET', '/repos/{owner}/{repo}/contents/{path}', 200, { type: 'file', encoding: 'base64', size: content.length, name, path: params.path, content: Buffer.from(content).toString('base64'), sha: '0'.repeat(40), url: '', git_url: null, html_url: `${base}/${repo.owner}/${repo.name}/blob/${ref}/${params.path}`, download_url: null, _links: { self: '', git: null, html: null } }) };
      } catch {
        return notFound;
      }
    }],
    ['GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', async ({ params, query }) => {
      const repo = findRepo(params);
      if (!repo) return notFound;
      try {
        const args = ['ls-tree', '--full-tree', ...(query.get('recursive') ? ['-r'] : []), params.tree_sha!];
        const lines = (await git.git(gitName(repo), args)).split('\n').filter(Boolean);
        const tree = lines.map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          const [mode, type, sha] = meta.split(' ') as [string, string, string];
          return { path, mode, type, sha };
        });
        return { status: 200, body: { sha: '0'.repeat(40), url: '', truncated: false, tree } };
      } catch {
        return notFound;
      }
    }],
    ['GET', '/repos/{owner}/{repo}/pulls', ({ params, query }) => {
      const head = query.get('head');
      const pulls = state.pulls.filter((p) => p.owner === params.owner && p.repo === params.repo && (!head || `${p.owner}:${p.head}` === head));
      return { status: 200, body: pulls.map((p) => pullJson(p, 200, 'GET', '/repos/{owner}/{repo}/pulls')) };
    }],
    ['POST', '/repos/{owner}/{repo}/pulls', async ({ params, body }) => {
      const repo = findRepo(params);
      if (!repo) return notFound;
      const head = String(body.head ?? '');
      const baseBranch = String(body.base ?? '');
      const invalid = (message: string): Reply => ({ status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message }], documentation_url: 'https://docs.github.com/rest' } });
      if (!(await hasBranch(repo, head))) return invalid(`head ${head} does not exist`);
      if (!(await hasBranch(repo, baseBranch))) return invalid(`base ${baseBranch} does not exist`);
      if (state.pulls.some((p) => p.owner === repo.owner && p.repo === repo.name && p.head === head)) return invalid(`A pull request already exists for ${repo.owner}:${head}.`);
      const pull: ContractPull = { number: state.pulls.length + 1, owner: repo.owner, repo: repo.name, title: String(body.title ?? ''), body: (body.body as string) ?? null, head, base: baseBranch, draft: body.draft === true, reviewers: [], teamReviewers: [] };
      state.pulls.push(pull);
      return { status: 201, body: pullJson(pull, 201) };
    }],
    ['PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', ({ params, body }) => {
      const pull = state.pulls.find((p) => p.owner === params.owner && p.repo === params.repo && p.number === Number(params.pull_number));
      if (!pull) return notFound;
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.body === 'string') pull.body = body.body;
      return { status: 200, body: pullJson(pull, 200, 'PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}') };
    }],
    ['POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', ({ params, body }) => {
      const pull = state.pulls.find((p) => p.owner === params.owner && p.repo === params.repo && p.number === Number(params.pull_number));
      if (!pull) return notFound;
      pull.reviewers.push(...((body.reviewers as string[]) ?? []));
      pull.teamReviewers.push(...((body.team_reviewers as string[]) ?? []));
      return { status: 201, body: pullJson(pull, 201, 'POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers') };
    }],
    ['GET', '/orgs/{org}/teams', ({ params, query }) => {
      const teams = state.teams.filter((t) => t.org === params.org);
      const { body, headers } = page(teams, query, `/orgs/${params.org}/teams`);
      return { status: 200, body: body.map((t) => teamJson(t, true)), headers };
    }],
    ['GET', '/orgs/{org}/teams/{team_slug}/members', ({ params, query }) => {
      const team = state.teams.find((t) => t.org === params.org && t.slug === params.team_slug);
      if (!team) return notFound;
      const { body, headers } = page(team.members, query, `/orgs/${params.org}/teams/${params.team_slug}/members`);
      return { status: 200, body: body.map((m) => accountJson(state.accounts.get(m.toLowerCase()) ?? { login: m, type: 'User' })), headers };
    }],
    ['GET', '/orgs/{org}/members', ({ params, query }) => {
      const logins = [...new Set(state.teams.filter((t) => t.org === params.org).flatMap((t) => t.members))].sort();
      const { body, headers } = page(logins, query, `/orgs/${params.org}/members`);
      return { status: 200, body: body.map((m) => accountJson(state.accounts.get(m.toLowerCase()) ?? { login: m, type: 'User' })), headers };
    }],
  ];
  const compiledRoutes = routes.map(([method, route, handler]) => {
    const names: string[] = [];
    const pattern = route.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return name === 'path' ? '(.+)' : '([^/]+)';
    });
    return { method, route, handler, names, regex: new RegExp(`^${pattern}$`) };
  });

  const server: GithubPublishServer = {
    baseUrl: '',
    apiBaseUrl: '',
    host: '',
    token,
    git,
    ...state,
    requests: [],
    violations: [],
    rateLimited: false,
    async addRepo(owner, name, files, repoOptions = {}) {
      if (!state.accounts.has(owner.toLowerCase())) state.accounts.set(owner.toLowerCase(), { login: owner, type: 'Organization' });
      const repo: ContractRepo = { id: nextId++, owner, name, visibility: repoOptions.visibility ?? 'public', description: null, homepage: null, topics: repoOptions.topics ?? [], fork: repoOptions.fork ?? false, archived: repoOptions.archived ?? false, settings: {}, protection: undefined, collaborators: {}, teams: {} };
      await git.createRepo(gitName(repo), files, { branch: repoOptions.branch ?? 'main' });
      state.repos.set(repoKey(owner, name), repo);
      return repo;
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await git.close();
    },
  };

  const send = (res: ServerResponse, reply: Reply, where?: { method: string; route: string }) => {
    if (where) server.violations.push(...validateGithubResponse(where.method, where.route, reply.status, reply.body));
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3', ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const apiPath = url.pathname.slice('/api/v3'.length);
    const method = req.method ?? 'GET';
    server.requests.push({ method, path: apiPath });
    const match = compiledRoutes.map((r) => ({ r, m: r.method === method ? r.regex.exec(apiPath) : null })).find((x) => x.m);
    const where = match ? { method, route: match.r.route } : undefined;
    if (server.rateLimited) {
      const reset = String(Math.floor(Date.now() / 1000) + 60);
      const limited = { status: server.rateLimited, body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' }, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '60' } };
      send(res, limited, where);
      return;
    }
    if (req.headers.authorization !== `token ${token}` && req.headers.authorization !== `Bearer ${token}`) {
      send(res, { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } }, where);
      return;
    }
    if (!match) {
      send(res, notFound);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (text) {
      const problems = validateGithubRequest(method, match.r.route, body);
      if (problems.length > 0) {
        server.violations.push(...problems);
        send(res, { status: 422, body: { message: 'Invalid request.', documentation_url: 'https://docs.github.com/rest' } }, where);
        return;
      }
    }
    const params = Object.fromEntries(match.r.names.map((name, i) => [name, decodeURIComponent(match.m![i + 1]!)]));
    send(res, await match.r.handler({ params, query: url.searchParams, body, login }), where);
  };

  // Everything outside the API is git's smart HTTP, proxied to the real git server.
  const proxyGit = (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(git.baseUrl);
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  };

  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/v3/')) {
      handleApi(req, res, url).catch((error) => send(res, { status: 500, body: { message: String(error) } }));
    } else proxyGit(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  server.baseUrl = base;
  server.apiBaseUrl = `${base}/api/v3`;
  server.host = `127.0.0.1:${port}`;
  return server;
}
