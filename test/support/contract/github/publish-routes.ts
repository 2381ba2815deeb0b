import type { ContractAccount, ContractRepo } from './json.js';
import { fullRepository, simpleUser } from './json.js';
import { githubSkeleton } from './publish-json.js';
import { basicError, rateLimitExceeded, secondaryRateLimit } from './responses.js';
import { paginate } from './routes-apps.js';
import { type ContractRequest, type ContractResponse, ContractHttpError } from './router.js';
import type { GithubContractServer } from './server.js';
import { gitText } from './git.js';

/** A team of an organization. */
export interface PublishTeam {
  org: string;
  slug: string;
  name: string;
  description?: string;
  /** Slug of the parent team. */
  parent?: string;
  members: string[];
}

/** What the publish routes keep beside the server's repositories. */
export interface RepoExtras {
  visibility: 'public' | 'private' | 'internal';
  fork: boolean;
  archived: boolean;
  settings: Record<string, unknown>;
  protection?: Record<string, unknown>;
  collaborators: Record<string, string>;
  teams: Record<string, string>;
}

/** A pull request opened through the routes. */
export interface PublishPull {
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

/** State and helpers of {@link registerPublishRoutes}. */
export interface PublishRoutes {
  teams: PublishTeam[];
  pulls: PublishPull[];
  /** Profiles of users (`GET /users/{username}`): name, email, bio. */
  profiles: Map<string, { name?: string; email?: string; bio?: string }>;
  extras(owner: string, repo: string): RepoExtras;
  /** Make `login` known to `GET /users/{username}` (created on the server as `type`). */
  addAccount(login: string, type: ContractAccount['type'], profile?: { name?: string; email?: string; bio?: string }): ContractAccount;
  /** While set, every API request is answered as rate limited (403 primary, 429 secondary). */
  rateLimited: false | 403 | 429;
}

const key = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

/**
 * The endpoints publishing and the catalog's GitHub providers use, on the GitHub contract
 * server: account lookup, repository creation (org or user; the new repository is empty, as on
 * GitHub), topics, branch protection, collaborators and team access, org repository listing,
 * pull requests and reviewers, teams and members. Bodies are built from GitHub's description and
 * validated by the server like every other route.
 */
export function registerPublishRoutes(server: GithubContractServer): PublishRoutes {
  const known = new Set<string>(['octocat']);
  // The server lists no repositories by owner; remember the ones created through it.
  const reposByOwner = new Map<string, Set<string>>();
  const listRepos = (owner: string) => [...(reposByOwner.get(owner.toLowerCase()) ?? [])];
  const extrasByRepo = new Map<string, RepoExtras>();
  const state: PublishRoutes = {
    teams: [],
    pulls: [],
    profiles: new Map(),
    rateLimited: false,
    extras(owner, repo) {
      let extras = extrasByRepo.get(key(owner, repo));
      if (!extras) {
        extras = { visibility: server.getRepo(owner, repo)?.private ? 'private' : 'public', fork: false, archived: false, settings: {}, collaborators: {}, teams: {} };
        extrasByRepo.set(key(owner, repo), extras);
      }
      return extras;
    },
    addAccount(login, type, profile) {
      known.add(login.toLowerCase());
      if (profile) state.profiles.set(login.toLowerCase(), profile);
      return server.addAccount(login, type);
    },
  };
  const urls = server.urls;
  const account = (login: string) => {
    if (!known.has(login.toLowerCase())) throw new ContractHttpError(404, 'Not Found');
    return server.addAccount(login);
  };
  const login = (request: ContractRequest) => {
    if (request.principal?.kind !== 'token') throw new ContractHttpError(403, 'Resource not accessible by integration');
    return request.principal.login;
  };
  // As GitHub does, the first branch pushed to an empty repository becomes its default.
  const syncDefaultBranch = async (repo: ContractRepo) => {
    if (await server.resolveCommit(repo, repo.defaultBranch)) return;
    const first = (await gitText(repo.gitDir, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'])).split('\n').find(Boolean);
    if (first) {
      repo.defaultBranch = first;
      await gitText(repo.gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${first}`]);
    }
  };
  const repoJson = async (repo: ContractRepo) => {
    await syncDefaultBranch(repo);
    const extras = state.extras(repo.owner.login, repo.name);
    return { ...fullRepository(repo, urls), visibility: extras.visibility, fork: extras.fork, archived: extras.archived, topics: repo.topics, ...extras.settings };
  };
  const userJson = (template: string, who: ContractAccount) => {
    const profile = state.profiles.get(who.login.toLowerCase()) ?? {};
    return githubSkeleton('GET', template, 200, { ...simpleUser(who, urls), name: profile.name ?? null, email: profile.email ?? null, bio: profile.bio ?? null, created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z' });
  };

  server.use(() => {
    if (state.rateLimited === 403) return rateLimitExceeded({ resetAt: new Date(Date.now() + 60_000) });
    if (state.rateLimited === 429) return secondaryRateLimit({ retryAfterSeconds: 60 });
    return undefined;
  });

  server.route('GET', '/users/{username}', (request) => ({ status: 200, json: userJson('/users/{username}', account(request.params.username!)) }));
  server.route('GET', '/user', (request) => ({ status: 200, json: userJson('/user', account(login(request))) }));

  const createRepo = async (request: ContractRequest, owner: ContractAccount): Promise<ContractResponse> => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const name = String(body.name ?? '');
    if (server.getRepo(owner.login, name)) {
      return { status: 422, json: { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }], documentation_url: 'https://docs.github.com/rest' } };
    }
    const visibility = (body.visibility as RepoExtras['visibility'] | undefined) ?? (body.private ? 'private' : 'public');
    const { repo } = await server.addRepo(owner.login, name, {}, { ownerType: owner.type, private: visibility !== 'public', ...(typeof body.description === 'string' ? { description: body.description } : {}) });
    // A new repository has no commits: drop the one addRepo made.
    await gitText(repo.gitDir, ['update-ref', '-d', `refs/heads/${repo.defaultBranch}`]);
    const extras = state.extras(owner.login, name);
    extras.visibility = visibility;
    extras.settings = Object.fromEntries(Object.entries(body).filter(([k]) => k.startsWith('allow_') || k.startsWith('has_') || k === 'delete_branch_on_merge' || k === 'homepage'));
    return { status: 201, json: await repoJson(repo) };
  };
  server.route('POST', '/orgs/{org}/repos', (request) => {
    const org = account(request.params.org!);
    if (org.type !== 'Organization') throw new ContractHttpError(404, 'Not Found');
    login(request);
    return createRepo(request, org);
  });
  server.route('POST', '/user/repos', (request) => createRepo(request, account(login(request))));
  server.route('GET', '/repos/{owner}/{repo}', async (request) => ({ status: 200, json: await repoJson(server.requireRepo(request)) }));
  server.route('PUT', '/repos/{owner}/{repo}/topics', (request) => {
    const repo = server.requireRepo(request, { write: true });
    repo.topics = ((request.body as { names?: string[] }).names ?? []).slice();
    return { status: 200, json: { names: repo.topics } };
  });
  server.route('PUT', '/repos/{owner}/{repo}/branches/{branch}/protection', async (request) => {
    const repo = server.requireRepo(request, { write: true });
    if (!(await server.resolveCommit(repo, `refs/heads/${request.params.branch}`))) return basicError(404, 'Branch not found');
    state.extras(repo.owner.login, repo.name).protection = request.body as Record<string, unknown>;
    return { status: 200, json: githubSkeleton('PUT', '/repos/{owner}/{repo}/branches/{branch}/protection', 200, { url: `${urls.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}/branches/${request.params.branch}/protection` }) };
  });
  server.route('PUT', '/repos/{owner}/{repo}/collaborators/{username}', (request) => {
    const repo = server.requireRepo(request, { write: true });
    account(request.params.username!);
    state.extras(repo.owner.login, repo.name).collaborators[request.params.username!] = String((request.body as { permission?: string })?.permission ?? 'push');
    return { status: 204 };
  });
  server.route('PUT', '/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', (request) => {
    const repo = server.requireRepo(request, { write: true });
    if (!state.teams.some((t) => t.org === request.params.org && t.slug === request.params.team_slug)) throw new ContractHttpError(404, 'Not Found');
    state.extras(repo.owner.login, repo.name).teams[request.params.team_slug!] = String((request.body as { permission?: string })?.permission ?? 'push');
    return { status: 204 };
  });
  server.route('GET', '/orgs/{org}/repos', async (request) => {
    const org = account(request.params.org!);
    const repos = listRepos(org.login).map((name) => server.getRepo(org.login, name)!).filter(Boolean);
    const json = await Promise.all(repos.map(repoJson));
    return paginate(request, json, (page) => page);
  });
  const originalAddRepo = server.addRepo.bind(server);
  server.addRepo = async (owner, name, files, options) => {
    const result = await originalAddRepo(owner, name, files, options);
    known.add(owner.toLowerCase());
    if (!reposByOwner.has(owner.toLowerCase())) reposByOwner.set(owner.toLowerCase(), new Set());
    reposByOwner.get(owner.toLowerCase())!.add(name);
    return result;
  };

  registerPullRoutes(server, state);
  registerTeamRoutes(server, state, account);
  return state;
}

function registerPullRoutes(server: GithubContractServer, state: PublishRoutes): void {
  const urls = server.urls;
  const pullJson = (pull: PublishPull, method: string, template: string, status: number) => {
    const repo = server.getRepo(pull.owner, pull.repo)!;
    const owner = simpleUser(repo.owner, urls);
    const ref = (branch: string, side: 'head' | 'base') => ({ label: `${pull.owner}:${branch}`, ref: branch, sha: '0'.repeat(40), user: owner, repo: { ...githubSkeleton(method, template, status, {}, [side, 'repo']), ...fullRepository(repo, urls) } });
    return githubSkeleton(method, template, status, {
      id: pull.number + 5000,
      number: pull.number,
      state: 'open',
      title: pull.title,
      body: pull.body,
      draft: pull.draft,
      html_url: `${urls.baseUrl}/${pull.owner}/${pull.repo}/pull/${pull.number}`,
      url: `${urls.apiBaseUrl}/repos/${pull.owner}/${pull.repo}/pulls/${pull.number}`,
      user: owner,
      head: ref(pull.head, 'head'),
      base: ref(pull.base, 'base'),
    });
  };
  const findPull = (request: ContractRequest) => {
    const pull = state.pulls.find((p) => key(p.owner, p.repo) === key(request.params.owner!, request.params.repo!) && p.number === Number(request.params.pull_number));
    if (!pull) throw new ContractHttpError(404, 'Not Found');
    return pull;
  };
  server.route('GET', '/repos/{owner}/{repo}/pulls', (request) => {
    const repo = server.requireRepo(request);
    const head = request.query.get('head');
    const pulls = state.pulls.filter((p) => key(p.owner, p.repo) === key(repo.owner.login, repo.name) && (!head || `${p.owner}:${p.head}` === head));
    return { status: 200, json: pulls.map((p) => pullJson(p, 'GET', '/repos/{owner}/{repo}/pulls', 200)) };
  });
  server.route('POST', '/repos/{owner}/{repo}/pulls', async (request) => {
    const repo = server.requireRepo(request, { write: true });
    const body = request.body as { head: string; base: string; title?: string; body?: string; draft?: boolean };
    const invalid = (message: string): ContractResponse => ({ status: 422, json: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message }], documentation_url: 'https://docs.github.com/rest' } });
    if (!(await server.resolveCommit(repo, `refs/heads/${body.head}`))) return invalid(`head ${body.head} does not exist`);
    if (!(await server.resolveCommit(repo, `refs/heads/${body.base}`))) return invalid(`base ${body.base} does not exist`);
    if (state.pulls.some((p) => key(p.owner, p.repo) === key(repo.owner.login, repo.name) && p.head === body.head)) return invalid(`A pull request already exists for ${repo.owner.login}:${body.head}.`);
    const pull: PublishPull = { number: state.pulls.length + 1, owner: repo.owner.login, repo: repo.name, title: body.title ?? '', body: body.body ?? null, head: body.head, base: body.base, draft: body.draft === true, reviewers: [], teamReviewers: [] };
    state.pulls.push(pull);
    return { status: 201, json: pullJson(pull, 'POST', '/repos/{owner}/{repo}/pulls', 201) };
  });
  server.route('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', (request) => {
    server.requireRepo(request, { write: true });
    const pull = findPull(request);
    const body = request.body as { title?: string; body?: string };
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    return { status: 200, json: pullJson(pull, 'PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', 200) };
  });
  server.route('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', (request) => {
    server.requireRepo(request, { write: true });
    const pull = findPull(request);
    const body = request.body as { reviewers?: string[]; team_reviewers?: string[] };
    pull.reviewers.push(...(body.reviewers ?? []));
    pull.teamReviewers.push(...(body.team_reviewers ?? []));
    return { status: 201, json: pullJson(pull, 'POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', 201) };
  });
}

function registerTeamRoutes(server: GithubContractServer, state: PublishRoutes, account: (login: string) => ContractAccount): void {
  const urls = server.urls;
  const teamJson = (team: PublishTeam, withParent: boolean): Record<string, unknown> => {
    const parent = team.parent ? state.teams.find((t) => t.org === team.org && t.slug === team.parent) : undefined;
    return githubSkeleton('GET', '/orgs/{org}/teams', 200, {
      id: state.teams.indexOf(team) + 1,
      node_id: `T_${team.slug}`,
      name: team.name,
      slug: team.slug,
      description: team.description ?? null,
      privacy: 'closed',
      permission: 'pull',
      url: `${urls.apiBaseUrl}/orgs/${team.org}/teams/${team.slug}`,
      html_url: `${urls.baseUrl}/orgs/${team.org}/teams/${team.slug}`,
      members_url: `${urls.apiBaseUrl}/orgs/${team.org}/teams/${team.slug}/members{/member}`,
      repositories_url: `${urls.apiBaseUrl}/orgs/${team.org}/teams/${team.slug}/repos`,
      parent: withParent && parent ? teamJson(parent, false) : null,
    });
  };
  const member = (login: string) => simpleUser(server.addAccount(login, 'User'), urls);
  server.route('GET', '/orgs/{org}/teams', (request) => {
    account(request.params.org!);
    return paginate(request, state.teams.filter((t) => t.org === request.params.org), (page) => page.map((t) => teamJson(t, true)));
  });
  server.route('GET', '/orgs/{org}/teams/{team_slug}/members', (request) => {
    const team = state.teams.find((t) => t.org === request.params.org && t.slug === request.params.team_slug);
    if (!team) throw new ContractHttpError(404, 'Not Found');
    return paginate(request, team.members, (page) => page.map(member));
  });
  server.route('GET', '/orgs/{org}/members', (request) => {
    account(request.params.org!);
    const logins = [...new Set(state.teams.filter((t) => t.org === request.params.org).flatMap((t) => t.members))].sort();
    return paginate(request, logins, (page) => page.map(member));
  });
}
