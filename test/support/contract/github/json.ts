// Builders of GitHub's JSON objects (simple-user, full-repository, ...) in the shapes its API
// description documents; the server validates every body built from these before sending it.

/** An account (user or organization) the contract server knows. */
export interface ContractAccount {
  login: string;
  id: number;
  type: 'User' | 'Organization';
}

/** A repository the contract server serves (backed by a bare git repository). */
export interface ContractRepo {
  owner: ContractAccount;
  name: string;
  id: number;
  private: boolean;
  defaultBranch: string;
  description: string | null;
  /** The bare repository on disk. */
  gitDir: string;
  createdAt: string;
  topics: string[];
}

/** Where the server's URLs point: the web origin and the API base. */
export interface UrlBases {
  baseUrl: string;
  apiBaseUrl: string;
}

const iso = (date = new Date()) => `${date.toISOString().slice(0, 19)}Z`;

/** GitHub's `simple-user`. */
export function simpleUser(account: ContractAccount, urls: UrlBases) {
  const api = `${urls.apiBaseUrl}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: Buffer.from(`${account.type}:${account.id}`).toString('base64'),
    avatar_url: `${urls.baseUrl}/avatars/${account.login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.baseUrl}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    site_admin: false,
  };
}

/** GitHub's `full-repository` (GET /repos/{owner}/{repo}); also a valid `repository`. */
export function fullRepository(repo: ContractRepo, urls: UrlBases, pushedAt = new Date()) {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const api = `${urls.apiBaseUrl}/repos/${fullName}`;
  const web = `${urls.baseUrl}/${fullName}`;
  return {
    id: repo.id,
    node_id: Buffer.from(`Repository:${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: fullName,
    owner: simpleUser(repo.owner, urls),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: web,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `${web.replace(/^https?:/, 'git:')}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(urls.baseUrl).hostname}:${fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${web}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: web,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: repo.topics,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: iso(pushedAt),
    created_at: repo.createdAt,
    updated_at: iso(pushedAt),
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
  };
}

/** One commit as git reports it (`git log -1 --format=...`). */
export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
}

/** GitHub's `commit` (as in a branch's `commit`), without files and stats. */
export function commitJson(repo: ContractRepo, commit: CommitInfo, urls: UrlBases) {
  const api = `${urls.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}`;
  const web = `${urls.baseUrl}/${repo.owner.login}/${repo.name}`;
  return {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: Buffer.from(`Commit:${commit.sha}`).toString('base64'),
    html_url: `${web}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: { name: commit.authorName, email: commit.authorEmail, date: commit.authorDate },
      committer: { name: commit.committerName, email: commit.committerEmail, date: commit.committerDate },
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
  };
}

/** GitHub's `branch-with-protection`. */
export function branchJson(repo: ContractRepo, name: string, commit: CommitInfo, urls: UrlBases) {
  const api = `${urls.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}`;
  return {
    name,
    commit: commitJson(repo, commit, urls),
    _links: { html: `${urls.baseUrl}/${repo.owner.login}/${repo.name}/tree/${name}`, self: `${api}/branches/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${name}/protection`,
  };
}

/** An app installation the contract server knows. */
export interface ContractInstallation {
  id: number;
  appId: number;
  account: ContractAccount;
  createdAt: string;
}

/**
 * GitHub's `installation`. The account also carries an enterprise's required keys (name, slug,
 * created_at, updated_at): GET /app/installations inlines its schema as `allOf: [simple-user,
 * enterprise]` where the `installation` component says `anyOf`, and a body must satisfy both.
 */
export function installationJson(installation: ContractInstallation, urls: UrlBases) {
  return {
    id: installation.id,
    account: {
      ...simpleUser(installation.account, urls),
      name: installation.account.login,
      slug: installation.account.login.toLowerCase(),
      created_at: installation.createdAt,
      updated_at: installation.createdAt,
    },
    repository_selection: 'all',
    access_tokens_url: `${urls.apiBaseUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.apiBaseUrl}/installation/repositories`,
    html_url: `${urls.baseUrl}/settings/installations/${installation.id}`,
    app_id: installation.appId,
    app_slug: `app-${installation.appId}`,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: { contents: 'write', metadata: 'read', pull_requests: 'write', members: 'read' },
    events: ['push'],
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** `date` as GitHub prints timestamps (no milliseconds). */
export function githubTime(date = new Date()): string {
  return iso(date);
}
