import { execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GitHttpServer } from '../../git-http-server.js';

const exec = promisify(execFile);

/**
 * Forward a smart-HTTP git request to the real git server (`git http-backend`), path rewritten:
 * the contract servers check the host's credentials, then the real git does the rest, so a
 * push through a contract server is a real push.
 */
export function proxyGit(req: IncomingMessage, res: ServerResponse, git: GitHttpServer, targetPath: string, search: string): void {
  const target = new URL(git.baseUrl);
  const headers = { ...req.headers, host: target.host };
  delete headers.authorization;
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: `${targetPath}${search}`, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
}

/** Run git in a bare repository of the git server; stdout as bytes (file contents, archives). */
export async function gitBytes(git: GitHttpServer, name: string, args: string[]): Promise<Buffer> {
  const { stdout } = await exec('git', args, {
    cwd: path.join(git.root, `${name}.git`),
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
  });
  return stdout;
}

/** The commit `revision` names in a repository, or undefined (never an option: names are checked). */
export async function revParse(git: GitHttpServer, name: string, revision: string): Promise<string | undefined> {
  if (!/^[\w.][\w./-]*$/.test(revision)) return undefined;
  try {
    return (await gitBytes(git, name, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`])).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The default branch the way hosts report it: HEAD's branch if it exists, else the first branch. */
export async function mainBranch(git: GitHttpServer, name: string): Promise<string | undefined> {
  const branches = (await gitBytes(git, name, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).toString().split('\n').filter(Boolean);
  const head = (await gitBytes(git, name, ['symbolic-ref', '--short', 'HEAD']).catch(() => Buffer.from(''))).toString().trim();
  return branches.includes(head) ? head : branches[0];
}

/** Read a request body as JSON (`undefined` when it is not JSON). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
