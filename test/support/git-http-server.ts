import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A real git server for tests: bare repositories under a temp dir, served over smart HTTP by
 * git's own `git http-backend` (CGI), with optional basic auth. Pushes are accepted
 * (`http.receivepack`), so a test can clone, fetch, push and then see the pushed commit.
 */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` (plus the mount prefix when given). */
  baseUrl: string;
  /** `127.0.0.1:<port>` */
  host: string;
  /** Directory holding the bare repositories. */
  root: string;
  /** Requests seen (method and URL path), for assertions. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  /**
   * Create `<name>.git` (name may contain `/`) with one commit of `files` on `branch`
   * (default `main`); returns the commit hash.
   */
  createRepo(name: string, files: Record<string, string | { symlink: string }>, options?: { branch?: string; message?: string }): Promise<string>;
  /** Create an empty bare `<name>.git` (no commits), as a host creates a new repository. */
  createEmptyRepo(name: string, options?: { branch?: string }): Promise<void>;
  /** Add a commit with `files` to an existing repository's `branch`; returns its hash. */
  commit(name: string, files: Record<string, string>, options?: { branch?: string; message?: string }): Promise<string>;
  /** `git <args>` inside the bare repository `<name>.git` (e.g. `['show', 'main:README.md']`). */
  git(name: string, args: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Basic-auth credentials every request must carry; default none. */
  auth?: { username: string; password: string };
  /** Path prefix the repositories are served under, e.g. `/git`; default none. */
  prefix?: string;
}

const gitEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  LC_ALL: 'C',
};

async function git(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Start a {@link GitHttpServer} on 127.0.0.1 (a free port).
 * @example
 * ```ts
 * const server = await startGitHttpServer({ auth: { username: 'u', password: 'p' } });
 * await server.createRepo('org/app', { 'catalog-info.yaml': 'kind: Component' });
 * // clone http://u:p@127.0.0.1:<port>/org/app.git
 * ```
 */
export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'portalkit-git-server-'));
  const prefix = (options.prefix ?? '').replace(/\/$/, '');
  const requests: GitHttpServer['requests'] = [];
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : undefined;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorized = !expected || req.headers.authorization === expected;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorized });
    if (!authorized) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('unauthorized');
      return;
    }
    if (prefix && !url.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        ...gitEnv,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname.slice(prefix.length)),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: req.headers['content-length'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: options.auth?.username ?? 'anonymous',
        REMOTE_ADDR: '127.0.0.1',
        GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      },
    });
    req.pipe(child.stdin);
    // CGI output: headers, a blank line, then the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    child.stderr.resume();
    child.on('close', () => {
      if (!headersDone) res.writeHead(500);
      res.end();
    });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const repoDir = (name: string) => path.join(root, `${name}.git`);

  const commit: GitHttpServer['commit'] = async (name, files, commitOptions = {}) => {
    const branch = commitOptions.branch ?? 'main';
    const work = await mkdtemp(path.join(os.tmpdir(), 'portalkit-git-work-'));
    try {
      await git(['clone', '--quiet', repoDir(name), work], os.tmpdir());
      const branches = await git(['branch', '-r'], work);
      if (branches.includes(`origin/${branch}`)) await git(['checkout', '--quiet', branch], work);
      else await git(['checkout', '--quiet', '--orphan', branch], work);
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(work, file)), { recursive: true });
        await writeFile(path.join(work, file), content);
      }
      await git(['add', '--all'], work);
      await git(['commit', '--quiet', '--allow-empty', '-m', commitOptions.message ?? 'update'], work);
      await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], work);
      return await git(['rev-parse', 'HEAD'], work);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };

  const createEmptyRepo: GitHttpServer['createEmptyRepo'] = async (name, createOptions = {}) => {
    await mkdir(repoDir(name), { recursive: true });
    await git(['init', '--bare', '--quiet', `--initial-branch=${createOptions.branch ?? 'main'}`], repoDir(name));
    await git(['config', 'http.receivepack', 'true'], repoDir(name));
  };

  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    host: `127.0.0.1:${port}`,
    root,
    requests,
    createEmptyRepo,
    async createRepo(name, files, createOptions = {}) {
      const branch = createOptions.branch ?? 'main';
      await createEmptyRepo(name, { branch });
      const work = await mkdtemp(path.join(os.tmpdir(), 'portalkit-git-work-'));
      try {
        await git(['init', '--quiet', `--initial-branch=${branch}`], work);
        for (const [file, content] of Object.entries(files)) {
          await mkdir(path.dirname(path.join(work, file)), { recursive: true });
          if (typeof content === 'string') await writeFile(path.join(work, file), content);
          else await import('node:fs/promises').then((fs) => fs.symlink(content.symlink, path.join(work, file)));
        }
        await git(['add', '--all'], work);
        await git(['commit', '--quiet', '--allow-empty', '-m', createOptions.message ?? 'initial commit'], work);
        await git(['push', '--quiet', repoDir(name), `HEAD:refs/heads/${branch}`], work);
        return await git(['rev-parse', 'HEAD'], work);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    commit,
    git: (name, args) => git(args, repoDir(name)),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
