import { randomBytes } from 'node:crypto';
import { canRead } from './auth.js';
import { gitBuffer, gitText, listTree, type TreeEntry } from './git.js';
import { branchJson, commitJson, type ContractRepo, fullRepository } from './json.js';
import { ContractHttpError, type ContractRequest, type ContractResponse } from './router.js';
import type { GithubContractServer } from './server.js';

// The repository reads GitHub serves: metadata, contents (raw or JSON, with etags), trees,
// branches, commits, refs, and tarballs through a redirect to the archive origin.

/** Register the repository routes on `server` (tests may override any of them with `route`). */
export function registerRepoRoutes(server: GithubContractServer): void {
  const archiveTokens = new Map<string, { repo: ContractRepo; expiresAt: number }>();

  const commitOf = async (repo: ContractRepo, ref: string | null | undefined): Promise<string> => {
    const sha = await server.resolveCommit(repo, ref || repo.defaultBranch);
    if (!sha) throw new ContractHttpError(404, `No commit found for the ref ${ref}`);
    return sha;
  };

  server.route('GET', '/repos/{owner}/{repo}', (request) => ({ status: 200, json: fullRepository(server.requireRepo(request), server.urls) }));

  server.route('GET', '/repos/{owner}/{repo}/contents/{path}', async (request): Promise<ContractResponse> => {
    const repo = server.requireRepo(request);
    const sha = await commitOf(repo, request.query.get('ref'));
    const filePath = request.params.path!.replace(/^\/+|\/+$/g, '');
    const [entry] = await listTree(repo.gitDir, sha, { path: filePath });
    if (!entry || entry.path !== filePath) throw new ContractHttpError(404, 'Not Found');
    if (entry.type === 'tree') {
      const children = await listTree(repo.gitDir, `${sha}:${filePath}`);
      return { status: 200, json: children.map((child) => contentItem(server, repo, sha, { ...child, path: `${filePath}/${child.path}` })) };
    }
    const etag = `W/"${entry.sha}"`;
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
    const content = await gitBuffer(repo.gitDir, ['cat-file', 'blob', entry.sha]);
    if (/raw/.test(String(request.headers.accept ?? ''))) {
      return { status: 200, body: content, headers: { etag, 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
    }
    const item = contentItem(server, repo, sha, entry);
    if (entry.mode === '120000') return { status: 200, headers: { etag }, json: { ...item, type: 'symlink', target: content.toString() } };
    return { status: 200, headers: { etag }, json: { ...item, content: content.toString('base64'), encoding: 'base64' } };
  });

  server.route('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', async (request) => {
    const repo = server.requireRepo(request);
    // A commit-ish (sha, branch, tag) or a tree's own sha, as GitHub accepts both.
    const requested = request.params.tree_sha!;
    const commit = await server.resolveCommit(repo, requested);
    const isTree = !commit && /^[0-9a-f]{40}$/.test(requested) && (await gitText(repo.gitDir, ['cat-file', '-t', requested]).catch(() => '')) === 'tree';
    if (!commit && !isTree) throw new ContractHttpError(404, 'Not Found');
    const treeSha = commit ? (await server.commitInfo(repo, commit)).tree : requested;
    const recursive = !!request.query.get('recursive') && request.query.get('recursive') !== '0' && request.query.get('recursive') !== 'false';
    const entries = await listTree(repo.gitDir, treeSha, { recursive });
    const api = `${server.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}`;
    return {
      status: 200,
      json: {
        sha: treeSha,
        url: `${api}/git/trees/${treeSha}`,
        truncated: false,
        tree: entries.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.size !== undefined ? { size: e.size } : {}),
          url: `${api}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
        })),
      },
    };
  });

  server.route('GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}', async (request) => {
    const repo = server.requireRepo(request);
    const sha = request.params.file_sha!;
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new ContractHttpError(404, 'Not Found');
    let content: Buffer;
    try {
      content = await gitBuffer(repo.gitDir, ['cat-file', 'blob', sha]);
    } catch {
      throw new ContractHttpError(404, 'Not Found');
    }
    return {
      status: 200,
      json: {
        sha,
        node_id: Buffer.from(`Blob:${sha}`).toString('base64'),
        size: content.length,
        url: `${server.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}`,
        content: content.toString('base64'),
        encoding: 'base64',
      },
    };
  });

  server.route('GET', '/repos/{owner}/{repo}/branches/{branch}', async (request) => {
    const repo = server.requireRepo(request);
    const branch = request.params.branch!;
    const sha = await server.resolveCommit(repo, `refs/heads/${branch}`);
    if (!sha) throw new ContractHttpError(404, 'Branch not found');
    return { status: 200, json: branchJson(repo, branch, await server.commitInfo(repo, sha), server.urls) };
  });

  server.route('GET', '/repos/{owner}/{repo}/commits/{ref}', async (request) => {
    const repo = server.requireRepo(request);
    const sha = await server.resolveCommit(repo, request.params.ref!);
    if (!sha) throw new ContractHttpError(422, `No commit found for SHA: ${request.params.ref}`);
    if (/sha/.test(String(request.headers.accept ?? ''))) return { status: 200, body: sha, headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8', etag: `"${sha}"` } };
    return { status: 200, json: commitJson(repo, await server.commitInfo(repo, sha), server.urls) };
  });

  server.route('GET', '/repos/{owner}/{repo}/git/ref/{ref}', async (request) => {
    const repo = server.requireRepo(request);
    const ref = request.params.ref!;
    if (!/^(heads|tags)\//.test(ref)) throw new ContractHttpError(404, 'Not Found');
    const sha = await server.resolveCommit(repo, `refs/${ref}`);
    if (!sha) throw new ContractHttpError(404, 'Not Found');
    const api = `${server.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}`;
    return {
      status: 200,
      json: { ref: `refs/${ref}`, node_id: Buffer.from(`Ref:${ref}`).toString('base64'), url: `${api}/git/refs/${ref}`, object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` } },
    };
  });

  // GitHub answers the tarball API with a redirect to codeload, carrying a short-lived token
  // in the URL (the Authorization header is not sent to the other origin).
  server.route('GET', '/repos/{owner}/{repo}/tarball/{ref}', async (request) => {
    const repo = server.requireRepo(request);
    const sha = await commitOf(repo, request.params.ref);
    const token = randomBytes(16).toString('hex');
    archiveTokens.set(token, { repo, expiresAt: Date.now() + 5 * 60_000 });
    return { status: 302, headers: { location: `${server.codeloadBaseUrl}/${repo.owner.login}/${repo.name}/legacy.tar.gz/${sha}?token=${token}` } };
  });

  server.route(
    'GET',
    '/{owner}/{repo}/legacy.tar.gz/{ref}',
    async (request) => {
      const repo = server.getRepo(request.params.owner!, request.params.repo!);
      const grant = archiveTokens.get(request.query.get('token') ?? '');
      if (!repo || (!canRead(request.principal, repo) && !(grant && grant.repo === repo && grant.expiresAt > Date.now()))) {
        return { status: 404, body: '404: Not Found' };
      }
      const sha = await commitOf(repo, request.params.ref);
      const prefix = `${repo.owner.login}-${repo.name}-${sha.slice(0, 7)}`;
      const archive = await gitBuffer(repo.gitDir, ['archive', '--format=tar.gz', `--prefix=${prefix}/`, '--end-of-options', sha]);
      return {
        status: 200,
        body: archive,
        headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${prefix}.tar.gz`, etag: `"${sha}"` },
      };
    },
    { on: 'codeload' },
  );

  // GitHub Enterprise's raw URLs: /raw/<owner>/<repo>/<ref>/<path>, the ref possibly with slashes.
  server.route('GET', '/raw/{owner}/{repo}/{path}', async (request) => rawFile(server, request), { on: 'web' });
}

async function rawFile(server: GithubContractServer, request: ContractRequest): Promise<ContractResponse> {
  let repo: ContractRepo;
  try {
    repo = server.requireRepo(request);
  } catch {
    return { status: 404, body: '404: Not Found' };
  }
  const parts = request.params.path!.split('/');
  for (let i = parts.length - 1; i >= 1; i--) {
    const sha = await server.resolveCommit(repo, parts.slice(0, i).join('/'));
    if (!sha) continue;
    const filePath = parts.slice(i).join('/');
    const [entry] = await listTree(repo.gitDir, sha, { path: filePath });
    if (!entry || entry.type !== 'blob') break;
    return { status: 200, body: await gitBuffer(repo.gitDir, ['cat-file', 'blob', entry.sha]), headers: { 'content-type': 'text/plain; charset=utf-8', etag: `W/"${entry.sha}"` } };
  }
  return { status: 404, body: '404: Not Found' };
}

function contentItem(server: GithubContractServer, repo: ContractRepo, sha: string, entry: TreeEntry) {
  const api = `${server.apiBaseUrl}/repos/${repo.owner.login}/${repo.name}`;
  const type = entry.type === 'tree' ? 'dir' : entry.type === 'commit' ? 'submodule' : entry.mode === '120000' ? 'symlink' : 'file';
  const self = `${api}/contents/${entry.path}?ref=${sha}`;
  const html = `${server.baseUrl}/${repo.owner.login}/${repo.name}/${type === 'dir' ? 'tree' : 'blob'}/${sha}/${entry.path}`;
  const gitUrl = `${api}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`;
  return {
    type,
    size: entry.size ?? 0,
    name: entry.path.split('/').at(-1)!,
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: gitUrl,
    html_url: html,
    download_url: type === 'file' ? `${server.baseUrl}/raw/${repo.owner.login}/${repo.name}/${sha}/${entry.path}` : null,
    _links: { self, git: gitUrl, html },
  };
}
