import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type GitHttpServer, startGitHttpServer } from '../../git-http-server.js';
import { archive, type CommitAction, commitActions, commitInfo, listRefs, listTree, readBlob, resolveCommit, updateRef } from './repository.js';
import type {
  BranchSchema,
  CommitSchema,
  MergeRequestSchema,
  NamespaceSchema,
  ProjectSchema,
  RepositoryFileExpandedSchema,
  RepositoryTreeSchema,
  SimpleProjectSchema,
  SimpleUserSchema,
  TagSchema,
} from './schemas.js';

/**
 * A local GitLab for tests: REST v4 (the endpoints portalkit's GitLab integration, publish actions
 * and discovery use) over real git repositories, plus git smart HTTP at
 * `<base>/<group path>/<project>.git` (so clones and pushes work), with token auth, nested
 * groups, an optional path prefix (self-managed GitLab under `/gitlab`), and hooks to answer the
 * next API call with a rate limit or a redirect.
 */
export interface GitlabContractServer {
  /** `http://127.0.0.1:<port><prefix>` — GitLab's web and git base. */
  baseUrl: string;
  /** `<baseUrl>/api/v4` */
  apiBaseUrl: string;
  /** `127.0.0.1:<port>` */
  host: string;
  token: string;
  git: GitHttpServer;
  /** API and git requests seen (method, path with query). */
  requests: Array<{ method: string; url: string }>;
  createGroup(fullPath: string): GroupRecord;
  createProject(fullPath: string, files: Record<string, string | { symlink: string }>, options?: { branch?: string; topics?: string[]; archived?: boolean }): Promise<ProjectRecord>;
  project(fullPath: string): ProjectRecord | undefined;
  mergeRequests: MergeRequestRecord[];
  /** The next API request is answered with this status and headers (e.g. 429 + RateLimit-Reset). */
  failNext(status: number, headers?: Record<string, string>): void;
  /** The next API request is redirected (302) to this URL. */
  redirectNext(location: string): void;
  close(): Promise<void>;
}

export interface GroupRecord {
  id: number;
  fullPath: string;
}
export interface ProjectRecord {
  id: number;
  namespace: string;
  path: string;
  fullPath: string;
  defaultBranch: string;
  visibility: 'public' | 'internal' | 'private';
  topics: string[];
  description: string | null;
  archived: boolean;
  settings: Record<string, unknown>;
  protectedBranches: string[];
}
export interface MergeRequestRecord {
  iid: number;
  projectId: number;
  sourceBranch: string;
  targetBranch: string;
  title: string;
  description: string | null;
  removeSourceBranch: boolean;
  assigneeId?: number;
  reviewerIds: number[];
}

interface Reply {
  status: number;
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
}

const USER: SimpleUserSchema = {
  id: 1,
  name: 'Scaffolder Bot',
  username: 'bot',
  state: 'active',
  avatar_url: '',
  web_url: '',
  created_at: '2024-01-01T00:00:00Z',
};

/**
 * Start a {@link GitlabContractServer} on 127.0.0.1.
 * @example
 * ```ts
 * const gitlab = await startGitlabContractServer({ token: 'glpat-test' });
 * await gitlab.createProject('acme/platform/web', { 'catalog-info.yaml': 'kind: Component' });
 * ```
 */
export async function startGitlabContractServer(options: { token: string; prefix?: string }): Promise<GitlabContractServer> {
  const git = await startGitHttpServer();
  const prefix = (options.prefix ?? '').replace(/\/$/, '');
  const groups = new Map<string, GroupRecord>();
  const projects = new Map<string, ProjectRecord>();
  const mergeRequests: MergeRequestRecord[] = [];
  const requests: GitlabContractServer['requests'] = [];
  let nextId = 100;
  let pending: Reply | undefined;
  let base = '';

  const createGroup = (fullPath: string): GroupRecord => {
    const segments = fullPath.split('/');
    for (let i = 1; i < segments.length; i++) createGroup(segments.slice(0, i).join('/'));
    const existing = groups.get(fullPath);
    if (existing) return existing;
    const group = { id: nextId++, fullPath };
    groups.set(fullPath, group);
    return group;
  };
  const repoDir = (project: ProjectRecord) => path.join(git.root, `${project.fullPath}.git`);
  const newProject = (namespace: string, projectPath: string, extra: Partial<ProjectRecord> = {}): ProjectRecord => {
    const project: ProjectRecord = {
      id: nextId++,
      namespace,
      path: projectPath,
      fullPath: `${namespace}/${projectPath}`,
      defaultBranch: 'main',
      visibility: 'private',
      topics: [],
      description: null,
      archived: false,
      settings: {},
      protectedBranches: [],
      ...extra,
    };
    projects.set(project.fullPath, project);
    return project;
  };

  const namespaceJson = (fullPath: string): NamespaceSchema => {
    const group = groups.get(fullPath);
    const isUser = fullPath === USER.username;
    return {
      id: isUser ? USER.id : group!.id,
      name: fullPath.split('/').pop()!,
      path: fullPath.split('/').pop()!,
      kind: isUser ? 'user' : 'group',
      full_path: fullPath,
      parent_id: isUser ? null : (groups.get(fullPath.split('/').slice(0, -1).join('/'))?.id ?? null),
      avatar_url: null,
      web_url: `${base}/${fullPath}`,
      members_count_with_descendants: 1,
      billable_members_count: 1,
      plan: 'free',
      trial: false,
    };
  };
  const projectJson = (project: ProjectRecord): SimpleProjectSchema & Pick<ProjectSchema, 'visibility' | 'archived' | 'empty_repo'> => ({
    id: project.id,
    web_url: `${base}/${project.fullPath}`,
    name: project.path,
    path: project.path,
    description: project.description,
    name_with_namespace: project.fullPath.split('/').join(' / '),
    path_with_namespace: project.fullPath,
    created_at: '2024-01-01T00:00:00Z',
    default_branch: project.defaultBranch,
    topics: project.topics,
    ssh_url_to_repo: `git@${new URL(base).host}:${project.fullPath}.git`,
    http_url_to_repo: `${base}/${project.fullPath}.git`,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: '2024-01-01T00:00:00Z',
    namespace: { ...namespaceJson(project.namespace) },
    visibility: project.visibility,
    archived: project.archived,
    empty_repo: false,
  });
  const commitJson = async (project: ProjectRecord, sha: string): Promise<CommitSchema> => {
    const info = await commitInfo(repoDir(project), sha);
    return {
      id: info.id,
      short_id: info.id.slice(0, 8),
      title: info.message.split('\n')[0] ?? '',
      message: info.message,
      author_name: info.authorName,
      author_email: info.authorEmail,
      authored_date: info.authoredDate,
      committer_name: info.committerName,
      committer_email: info.committerEmail,
      committed_date: info.committedDate,
      created_at: info.committedDate,
      parent_ids: info.parentIds,
      web_url: `${base}/${project.fullPath}/-/commit/${info.id}`,
    };
  };
  const branchJson = async (project: ProjectRecord, name: string, sha: string): Promise<BranchSchema> => {
    const { web_url: _web, created_at: _created, ...commit } = await commitJson(project, sha);
    return {
      name,
      merged: false,
      protected: false,
      default: name === project.defaultBranch,
      developers_can_push: false,
      developers_can_merge: false,
      can_push: true,
      web_url: `${base}/${project.fullPath}/-/tree/${name}`,
      commit,
    };
  };

  // Offset pagination as GitLab sends it: X-* headers plus a Link to the next page.
  const paginate = (url: URL, items: unknown[]): Reply => {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20) || 20, 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = { 'x-page': String(page), 'x-per-page': String(perPage), 'x-total': String(items.length) };
    if (page * perPage < items.length) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      headers['x-next-page'] = String(page + 1);
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return { status: 200, json: slice, headers };
  };

  const findProject = (id: string): ProjectRecord | undefined => {
    const decoded = decodeURIComponent(id);
    if (/^\d+$/.test(decoded)) return [...projects.values()].find((p) => p.id === Number(decoded));
    return projects.get(decoded);
  };
  const notFound = (what: string): Reply => ({ status: 404, json: { message: `404 ${what} Not Found` } });
  const badRequest = (message: unknown): Reply => ({ status: 400, json: { message } });

  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(new URLSearchParams(text));
  };

  const projectRoute = async (req: IncomingMessage, url: URL, project: ProjectRecord, rest: string): Promise<Reply> => {
    const dir = repoDir(project);
    const refOf = async (ref: string | null) => resolveCommit(dir, ref ?? project.defaultBranch);
    if (rest === '' && req.method === 'GET') return { status: 200, json: projectJson(project) };
    let match = /^\/repository\/files\/([^/]+)(\/raw)?$/.exec(rest);
    if (match && req.method === 'GET') {
      const filePath = decodeURIComponent(match[1]!);
      const ref = url.searchParams.get('ref') ?? project.defaultBranch;
      const sha = await refOf(ref);
      if (!sha) return notFound('Commit');
      const blob = await readBlob(dir, sha, filePath);
      if (!blob) return notFound('File');
      const etag = `"${blob.id}"`;
      const headers = { etag, 'x-gitlab-blob-id': blob.id, 'x-gitlab-commit-id': sha, 'x-gitlab-ref': ref, 'x-gitlab-file-path': filePath };
      if (match[2]) {
        if (req.headers['if-none-match'] === etag) return { status: 304, headers };
        return { status: 200, body: blob.content, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } };
      }
      const file: RepositoryFileExpandedSchema = {
        file_name: filePath.split('/').pop()!,
        file_path: filePath,
        size: blob.content.length,
        encoding: 'base64',
        content: blob.content.toString('base64'),
        content_sha256: '',
        ref,
        blob_id: blob.id,
        commit_id: sha,
        last_commit_id: sha,
      };
      return { status: 200, json: file, headers };
    }
    if (rest === '/repository/tree' && req.method === 'GET') {
      const sha = await refOf(url.searchParams.get('ref'));
      if (!sha) return notFound('Tree');
      const dirPath = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
      const entries = await listTree(dir, sha, dirPath, url.searchParams.get('recursive') === 'true');
      if (dirPath && entries.length === 0) return notFound('Tree');
      const json: RepositoryTreeSchema[] = entries.map((e) => ({ id: e.id, name: e.name, type: e.type, path: e.path, mode: e.mode }));
      return paginate(url, json);
    }
    if (rest === '/repository/archive.tar.gz' && req.method === 'GET') {
      const ref = url.searchParams.get('sha') ?? project.defaultBranch;
      const sha = await refOf(ref);
      if (!sha) return notFound('Ref');
      const filePath = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
      const top = `${project.path}-${ref}-${sha}${filePath ? `-${filePath.replaceAll('/', '-')}` : ''}`;
      const body = await archive(dir, sha, top, filePath || undefined);
      return { status: 200, body, headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${top}.tar.gz"` } };
    }
    match = /^\/repository\/commits\/([^/]+)$/.exec(rest);
    if (match && req.method === 'GET') {
      const sha = await refOf(decodeURIComponent(match[1]!));
      if (!sha) return notFound('Commit');
      return { status: 200, json: await commitJson(project, sha) };
    }
    match = /^\/repository\/(branches|tags)$/.exec(rest);
    if (match && req.method === 'GET') {
      const search = url.searchParams.get('search') ?? '';
      const refs = (await listRefs(dir, match[1] === 'branches' ? 'heads' : 'tags')).filter(({ name }) =>
        search.startsWith('^') ? name.startsWith(search.slice(1)) : name.includes(search),
      );
      if (match[1] === 'branches') return paginate(url, await Promise.all(refs.map((r) => branchJson(project, r.name, r.sha))));
      const tags: TagSchema[] = await Promise.all(
        refs.map(async (r) => ({ name: r.name, target: r.sha, protected: false, commit: await commitJson(project, r.sha), release: { tag_name: r.name, description: '' } })),
      );
      return paginate(url, tags);
    }
    if (rest === '/repository/branches' && req.method === 'POST') {
      const body = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
      const branch = String(body.branch ?? '');
      if (!/^[\w.-]+(\/[\w.-]+)*$/.test(branch)) return badRequest('Branch name is invalid');
      if (await resolveCommit(dir, `refs/heads/${branch}`)) return badRequest('Branch already exists');
      const sha = await refOf(String(body.ref ?? ''));
      if (!sha) return badRequest('Invalid reference name');
      await updateRef(dir, branch, sha);
      return { status: 201, json: await branchJson(project, branch, sha) };
    }
    if (rest === '/protected_branches' && req.method === 'POST') {
      const body = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
      const name = String(body.name ?? '');
      if (!(await resolveCommit(dir, `refs/heads/${name}`))) return notFound('Branch');
      project.protectedBranches.push(name);
      return { status: 201, json: { id: project.protectedBranches.length, name, allow_force_push: false, code_owner_approval_required: false } };
    }
    if (rest === '/repository/commits' && req.method === 'POST') {
      const body = await readBody(req);
      const result = await commitActions(dir, {
        branch: String(body.branch),
        message: String(body.commit_message ?? ''),
        actions: (body.actions ?? []) as CommitAction[],
        author: { name: String(body.author_name ?? USER.name), email: String(body.author_email ?? 'bot@example.com') },
      });
      if (!result.sha) return badRequest(result.error);
      return { status: 201, json: await commitJson(project, result.sha) };
    }
    if (rest === '/merge_requests' && req.method === 'POST') {
      const body = await readBody(req);
      const source = String(body.source_branch ?? '');
      const target = String(body.target_branch ?? '');
      const sha = await resolveCommit(dir, `refs/heads/${source}`);
      if (!sha || !(await resolveCommit(dir, `refs/heads/${target}`))) return badRequest(['Source branch or target branch does not exist']);
      const record: MergeRequestRecord = {
        iid: mergeRequests.filter((mr) => mr.projectId === project.id).length + 1,
        projectId: project.id,
        sourceBranch: source,
        targetBranch: target,
        title: String(body.title ?? ''),
        description: body.description === undefined ? null : String(body.description),
        removeSourceBranch: body.remove_source_branch === true || body.remove_source_branch === 'true',
        ...(body.assignee_id === undefined ? {} : { assigneeId: Number(body.assignee_id) }),
        reviewerIds: Array.isArray(body.reviewer_ids) ? body.reviewer_ids.map(Number) : [],
      };
      mergeRequests.push(record);
      const { created_at: _created, ...author } = USER;
      const json: MergeRequestSchema = {
        id: 1000 + mergeRequests.length,
        iid: record.iid,
        project_id: project.id,
        title: record.title,
        description: record.description,
        state: 'opened',
        created_at: '2024-01-01T00:00:00Z',
        updated_at: '2024-01-01T00:00:00Z',
        web_url: `${base}/${project.fullPath}/-/merge_requests/${record.iid}`,
        merged_by: null,
        merged_at: null,
        closed_by: null,
        closed_at: null,
        target_branch: target,
        source_branch: source,
        user_notes_count: 0,
        upvotes: 0,
        downvotes: 0,
        author,
        assignees: record.assigneeId === USER.id ? [author] : [],
        assignee: record.assigneeId === USER.id ? author : null,
        reviewers: record.reviewerIds.includes(USER.id) ? [author] : [],
        source_project_id: project.id,
        target_project_id: project.id,
        labels: [],
        draft: false,
        work_in_progress: false,
        milestone: null,
        merge_when_pipeline_succeeds: false,
        merge_status: 'checking',
        detailed_merge_status: 'checking',
        sha,
        merge_commit_sha: null,
        squash_commit_sha: null,
        discussion_locked: null,
        should_remove_source_branch: record.removeSourceBranch,
        force_remove_source_branch: record.removeSourceBranch,
        reference: `!${record.iid}`,
        references: { short: `!${record.iid}`, relative: `!${record.iid}`, full: `${project.fullPath}!${record.iid}` },
        time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
        squash: false,
        task_completion_status: { count: 0, completed_count: 0 },
        prepared_at: null,
        has_conflicts: false,
        blocking_discussions_resolved: true,
        approvals_before_merge: null,
      };
      return { status: 201, json };
    }
    return notFound('Route');
  };

  const apiRoute = async (req: IncomingMessage, url: URL, route: string): Promise<Reply> => {
    const auth = req.headers['private-token'] ?? req.headers.authorization?.replace(/^Bearer /, '');
    if (auth !== options.token) return { status: 401, json: { message: '401 Unauthorized' } };
    if (pending) {
      const reply = pending;
      pending = undefined;
      return reply;
    }
    if (route === '/user' && req.method === 'GET') return { status: 200, json: USER };
    if (route === '/users' && req.method === 'GET') {
      return { status: 200, json: url.searchParams.get('username') === USER.username ? [USER] : [] };
    }
    let match = /^\/namespaces\/([^/]+)$/.exec(route);
    if (match && req.method === 'GET') {
      const id = decodeURIComponent(match[1]!);
      if (id !== USER.username && !groups.has(id)) return notFound('Namespace');
      return { status: 200, json: namespaceJson(id) };
    }
    match = /^\/groups\/([^/]+)\/projects$/.exec(route);
    if (match && req.method === 'GET') {
      const group = decodeURIComponent(match[1]!);
      if (!groups.has(group)) return notFound('Group');
      const subgroups = url.searchParams.get('include_subgroups') === 'true';
      const topic = url.searchParams.get('topic');
      const archived = url.searchParams.get('archived');
      const list = [...projects.values()]
        .filter((p) => p.namespace === group || (subgroups && p.namespace.startsWith(`${group}/`)))
        .filter((p) => !topic || topic.split(',').every((t) => p.topics.includes(t)))
        .filter((p) => archived === null || String(p.archived) === archived)
        .sort((a, b) => a.id - b.id)
        .map(projectJson);
      return paginate(url, list);
    }
    if (route === '/projects' && req.method === 'POST') {
      const body = await readBody(req);
      const namespaceId = Number(body.namespace_id ?? USER.id);
      const namespace = namespaceId === USER.id ? USER.username : [...groups.values()].find((g) => g.id === namespaceId)?.fullPath;
      if (!namespace) return notFound('Namespace');
      const projectPath = String(body.path ?? body.name ?? '');
      if (!/^[\w.-]+$/.test(projectPath)) return badRequest({ path: ['is invalid'] });
      if (projects.has(`${namespace}/${projectPath}`)) return badRequest({ name: ['has already been taken'], path: ['has already been taken'] });
      const { name: _n, path: _p, namespace_id: _ns, visibility, topics, description, ...settings } = body;
      const project = newProject(namespace, projectPath, {
        visibility: (visibility as ProjectRecord['visibility'] | undefined) ?? 'private',
        topics: Array.isArray(topics) ? topics.map(String) : [],
        description: typeof description === 'string' ? description : null,
        settings,
      });
      await git.createEmptyRepo(project.fullPath);
      return { status: 201, json: projectJson(project) };
    }
    match = /^\/projects\/([^/]+)(\/.*)?$/.exec(route);
    if (match) {
      const project = findProject(match[1]!);
      if (!project) return notFound('Project');
      return projectRoute(req, url, project, match[2] ?? '');
    }
    return notFound('Route');
  };

  // git smart HTTP: GitLab takes any user name with the token as password (`oauth2:<token>`).
  const proxyGit = (req: IncomingMessage, res: ServerResponse, gitPath: string) => {
    const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString() : '';
    if (basic.slice(basic.indexOf(':') + 1) !== options.token) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitLab"' }).end('HTTP Basic: Access denied');
      return;
    }
    const target = new URL(gitPath, git.baseUrl);
    const { authorization: _auth, host: _host, ...headers } = req.headers;
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? 'GET', url: url.pathname + url.search });
    const raw = (req.url ?? '/').split('?')[0]!;
    if (!raw.startsWith(`${prefix}/`)) return void res.writeHead(404).end();
    const local = raw.slice(prefix.length);
    if (/^\/.+\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(local)) return proxyGit(req, res, local + url.search);
    if (!local.startsWith('/api/v4/')) return void res.writeHead(404).end();
    let reply: Reply;
    try {
      reply = await apiRoute(req, url, local.slice('/api/v4'.length));
    } catch (error) {
      reply = { status: 500, json: { message: String(error) } };
    }
    if (reply.json !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.json));
    } else {
      res.writeHead(reply.status, reply.headers).end(reply.body);
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}${prefix}`;

  return {
    baseUrl: base,
    apiBaseUrl: `${base}/api/v4`,
    host: `127.0.0.1:${port}`,
    token: options.token,
    git,
    requests,
    mergeRequests,
    createGroup,
    async createProject(fullPath, files, projectOptions = {}) {
      const namespace = fullPath.split('/').slice(0, -1).join('/');
      if (namespace !== USER.username) createGroup(namespace);
      const project = newProject(namespace, fullPath.split('/').pop()!, {
        defaultBranch: projectOptions.branch ?? 'main',
        topics: projectOptions.topics ?? [],
        archived: projectOptions.archived ?? false,
      });
      await git.createRepo(fullPath, files, { branch: project.defaultBranch });
      return project;
    },
    project: (fullPath) => projects.get(fullPath),
    failNext(status, headers = {}) {
      pending = { status, json: { message: status === 429 ? 'Retry later' : `${status}` }, headers };
    },
    redirectNext(location) {
      pending = { status: 302, headers: { location }, body: '' };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.close();
    },
  };
}
