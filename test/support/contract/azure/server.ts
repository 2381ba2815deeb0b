import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AzureGitCommitRef, AzureGitItem, AzureGitRepository } from '@portalkit/integrations';
import { startGitHttpServer, type GitHttpServer } from '../../git-http-server.js';
import { gitObjects, type TreeEntry } from '../git-objects.js';
import { proxyGit } from '../git-proxy.js';
import { createSchemaValidator } from '../validator.js';

/**
 * A local Azure DevOps for contract tests: the Git REST calls portalkit makes
 * (`/<org>/<project>/_apis/git/repositories[/<repo>/items|commits]`, api-version required),
 * answered from real repositories and checked against the definitions of Microsoft's published
 * spec (vsts-rest-api-specs, git 7.1), plus git smart HTTP at `/<org>/<project>/_git/<repo>`
 * (proxied to `git http-backend`, so pushes work). URLs in answers use `publicOrigin`
 * (`https://dev.azure.com`), as the real service would; the integration is pointed here with
 * `apiBaseUrl`.
 */
export interface AzureContractServer {
  /** `http://127.0.0.1:<port>`: the `apiBaseUrl` to configure. */
  baseUrl: string;
  git: GitHttpServer;
  createRepo(organization: string, project: string, repo: string, files: Record<string, string | { symlink: string }>, options?: { branch?: string }): Promise<string>;
  /** Answer the next `count` API requests with 429 and Azure's rate-limit headers. */
  rateLimit(count: number): void;
  redirectNext(location: string): void;
  violations: string[];
  requests: Array<{ method: string; path: string; organization: string; authorized: boolean }>;
  close(): Promise<void>;
}

/**
 * Start an {@link AzureContractServer}. `organizations` maps each organization to its personal
 * access token and projects.
 * @example
 * ```ts
 * const azure = await startAzureContractServer({ organizations: { acme: { pat: 'pat-acme', projects: ['web'] } } });
 * ```
 */
export async function startAzureContractServer(options: { organizations: Record<string, { pat: string; projects: string[] }>; publicOrigin?: string }): Promise<AzureContractServer> {
  const git = await startGitHttpServer();
  const validator = createSchemaValidator(new URL('./azure-devops-git-definitions.json', import.meta.url));
  const publicOrigin = options.publicOrigin ?? 'https://dev.azure.com';
  const repos = new Map<string, { id: string; name: string }>();
  const requests: AzureContractServer['requests'] = [];
  let rateLimited = 0;
  let redirect: string | undefined;
  let baseUrl = '';

  const send = (res: ServerResponse, status: number, definition: string | undefined, body: unknown) => {
    if (definition === 'list') {
      validator.validate(`${(body as { kind: string }).kind}[]`, (body as { value: unknown }).value);
      body = { count: (body as { value: unknown[] }).value.length, value: (body as { value: unknown[] }).value };
    } else if (definition) validator.validate(definition, body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8; api-version=7.1' }).end(JSON.stringify(body));
  };
  // Azure DevOps' error body (`$id`, `message`, `typeKey`, ...).
  const apiError = (res: ServerResponse, status: number, message: string, typeKey: string) =>
    send(res, status, undefined, { $id: '1', innerException: null, message, typeName: `Microsoft.TeamFoundation.${typeKey}, Microsoft.TeamFoundation`, typeKey, errorCode: 0, eventId: 3000 });
  const authorizedFor = (req: IncomingMessage, organization: string) => {
    const pat = options.organizations[organization]?.pat;
    const header = req.headers.authorization ?? '';
    if (!pat || !header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === pat;
  };
  const repository = (organization: string, project: string, record: { id: string; name: string }): AzureGitRepository => {
    const web = `${publicOrigin}/${organization}/${encodeURIComponent(project)}/_git/${encodeURIComponent(record.name)}`;
    return {
      id: record.id,
      name: record.name,
      url: `${publicOrigin}/${organization}/${project}/_apis/git/repositories/${record.id}`,
      project: { id: `${organization}-${project}`, name: project, state: 'wellFormed', visibility: 'private' },
      remoteUrl: web.replace('https://', `https://${organization}@`),
      webUrl: web,
      sshUrl: `git@ssh.dev.azure.com:v3/${organization}/${project}/${record.name}`,
      size: 0,
      isDisabled: false,
      isInMaintenance: false,
    };
  };
  const gitItem = (entry: TreeEntry | undefined, commit: string): AzureGitItem => {
    const item: AzureGitItem = { objectId: entry?.sha ?? commit, gitObjectType: !entry || entry.type === 'tree' ? 'tree' : 'blob', commitId: commit, path: `/${entry?.path ?? ''}`, url: `${publicOrigin}/items?path=/${entry?.path ?? ''}` };
    if (!entry || entry.type === 'tree') item.isFolder = true;
    if (entry?.mode === '120000') item.isSymLink = true;
    return item;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, organization: string, project: string, rest: string) => {
    const key = (repo: string) => `${organization}/${project}/${repo}`;
    if (rest === '' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { name?: string };
      if (validator.validate('GitRepositoryCreateOptions', body).length > 0 || !body.name || !/^[\w.-]+$/.test(body.name)) return apiError(res, 400, 'TF400948: invalid repository options', 'InvalidArgumentValueException');
      if (repos.has(key(body.name))) return apiError(res, 409, `TF400948: A Git repository with the name ${body.name} already exists.`, 'GitRepositoryNameAlreadyExistsException');
      const record = { id: randomUUID(), name: body.name };
      await git.createEmptyRepo(key(body.name));
      repos.set(key(body.name), record);
      return send(res, 201, 'GitRepository', repository(organization, project, record));
    }
    const match = /^\/([^/]+)\/(items|commits)$/.exec(rest);
    const repoName = match ? decodeURIComponent(match[1]!) : '';
    if (!match || !repos.has(key(repoName)) || req.method !== 'GET') return apiError(res, 404, `TF401019: The Git repository with name or identifier ${repoName} does not exist or you do not have permissions for the operation you are attempting.`, 'GitRepositoryNotFoundException');
    const objects = gitObjects(path.join(git.root, `${key(repoName)}.git`));
    const resolve = async (version: string | null) => {
      if (version) return objects.resolve(version);
      return (await objects.resolve(await objects.head())) ?? (await objects.resolve((await objects.branches())[0] ?? 'HEAD'));
    };
    const q = url.searchParams;
    if (match[2] === 'commits') {
      const version = q.get('searchCriteria.ids') ?? q.get('searchCriteria.itemVersion.version');
      const sha = await resolve(version);
      if (!sha) return apiError(res, 404, `TF401175: The version descriptor <Branch: ${version}> could not be resolved to a version in the repository ${repoName}`, 'GitUnresolvableToCommitException');
      const info = await objects.commitInfo(sha);
      const signature = { name: info.author, email: info.email, date: info.date };
      const commit: AzureGitCommitRef = { commitId: sha, comment: info.message, author: signature, committer: signature, url: `${publicOrigin}/${organization}/${project}/_apis/git/repositories/${repoName}/commits/${sha}` };
      return send(res, 200, 'list', { kind: 'GitCommitRef', value: [commit] });
    }
    const version = q.get('versionDescriptor.version');
    const sha = await resolve(version);
    if (!sha) return apiError(res, 404, `TF401175: The version descriptor <Branch: ${version}> could not be resolved to a version in the repository ${repoName}`, 'GitUnresolvableToCommitException');
    const itemPath = (q.get('path') ?? q.get('scopePath') ?? '/').replace(/^\/+|\/+$/g, '');
    const entry = itemPath ? await objects.entry(sha, itemPath) : undefined;
    if (itemPath && !entry) return apiError(res, 404, `TF401174: The item '/${itemPath}' could not be found in the repository '${repoName}' at the version specified by '<Branch: ${version}>'`, 'GitItemNotFoundException');
    const format = q.get('$format') ?? 'json';
    if (q.get('recursionLevel')?.toLowerCase() === 'full') {
      const children = !entry || entry.type === 'tree' ? await objects.list(sha, itemPath, true) : [];
      return send(res, 200, 'list', { kind: 'GitItem', value: [gitItem(entry, sha), ...children.map((child) => gitItem(child, sha))] });
    }
    if (format === 'zip') {
      // The zip of a folder holds the folder as its top directory; the root's has none.
      const zip = await objects.archive('zip', itemPath ? `${sha}:${itemPath}` : sha, itemPath ? `${path.posix.basename(itemPath)}/` : '');
      res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
      return;
    }
    if (format === 'octetStream' || q.get('download') === 'true') {
      if (!entry || entry.type !== 'blob') return apiError(res, 400, 'The item is a folder', 'InvalidArgumentValueException');
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(await objects.blob(entry.sha));
      return;
    }
    return send(res, 200, 'GitItem', gitItem(entry, sha));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, organization = '', project = '', area = '', ...restParts] = url.pathname.split('/');
    const ok = authorizedFor(req, organization);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, organization, authorized: ok });
    if (area === '_git') {
      const [repo, ...gitPath] = restParts;
      if (!ok || !repo || !repos.has(`${organization}/${project}/${repo}`)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="https://dev.azure.com/"' }).end();
        return;
      }
      proxyGit(req, res, `${git.baseUrl}/${organization}/${project}/${repo}.git/${gitPath.join('/')}${url.search}`);
      return;
    }
    if (redirect) {
      res.writeHead(302, { location: redirect }).end();
      redirect = undefined;
      return;
    }
    if (rateLimited > 0) {
      rateLimited--;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '45', 'x-ratelimit-resource': 'ATCPU', 'x-ratelimit-delay': '10', 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 45) });
      res.end(JSON.stringify({ message: 'Request was blocked due to exceeding usage of resource ATCPU' }));
      return;
    }
    if (!ok) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="https://dev.azure.com/"' }).end();
      return;
    }
    const apiPrefix = `/${organization}/${project}/_apis/git/repositories`;
    if (!url.pathname.startsWith(apiPrefix) || !options.organizations[organization]?.projects.includes(decodeURIComponent(project))) {
      return apiError(res, 404, `TF200016: The following project does not exist: ${project}.`, 'ProjectDoesNotExistWithNameException');
    }
    if (url.searchParams.get('api-version') === null) return apiError(res, 400, 'No api-version was supplied for the request.', 'VssVersionNotSpecifiedException');
    handleApi(req, res, url, organization, decodeURIComponent(project), url.pathname.slice(apiPrefix.length)).catch((error: Error) => {
      if (!res.headersSent) apiError(res, 500, error.message, 'Exception');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    git,
    violations: validator.violations,
    requests,
    async createRepo(organization, project, repo, files, repoOptions = {}) {
      const sha = await git.createRepo(`${organization}/${project}/${repo}`, files, repoOptions);
      repos.set(`${organization}/${project}/${repo}`, { id: randomUUID(), name: repo });
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
