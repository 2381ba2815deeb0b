import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GithubContractServer, rateLimitExceeded, startGithubContractServer } from './index.js';

const exec = promisify(execFile);

// The contract server's own behaviour; the GitHub integration's tests drive it with Octokit.
describe('GitHub contract server', () => {
  let github: GithubContractServer;
  let sha: string;
  const auth = () => ({ authorization: `token ${github.token}` });

  beforeAll(async () => {
    github = await startGithubContractServer();
    ({ sha } = await github.addRepo('acme', 'web', { 'README.md': '# web\n', 'docs/index.md': '# docs\n' }, { private: true }));
  });
  afterAll(async () => {
    await github?.close();
  });

  it('serves a repository whose JSON matches GitHub description', async () => {
    const response = await fetch(`${github.apiBaseUrl}/repos/acme/web`, { headers: auth() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { full_name: string; default_branch: string; private: boolean };
    expect(body).toMatchObject({ full_name: 'acme/web', default_branch: 'main', private: true });
  });

  it('serves contents (JSON, raw, 304 on a matching etag), trees, branches, commits, refs and raw files', async () => {
    const get = (p: string, headers: Record<string, string> = {}) => fetch(`${github.apiBaseUrl}${p}`, { headers: { ...auth(), ...headers } });
    const file = await get('/repos/acme/web/contents/docs%2Findex.md?ref=main');
    expect(await file.json()).toMatchObject({ type: 'file', path: 'docs/index.md', content: Buffer.from('# docs\n').toString('base64') });
    const raw = await get('/repos/acme/web/contents/docs/index.md', { accept: 'application/vnd.github.raw' });
    expect(await raw.text()).toBe('# docs\n');
    expect((await get('/repos/acme/web/contents/docs/index.md', { 'if-none-match': raw.headers.get('etag')! })).status).toBe(304);
    expect(await (await get('/repos/acme/web/contents/docs')).json()).toMatchObject([{ type: 'file', name: 'index.md' }]);
    expect((await get('/repos/acme/web/contents/missing.md')).status).toBe(404);
    const tree = (await (await get('/repos/acme/web/git/trees/main?recursive=1')).json()) as { tree: Array<{ path: string; type: string }> };
    expect(tree.tree.map((e) => `${e.type}:${e.path}`).sort()).toEqual(['blob:README.md', 'blob:docs/index.md', 'tree:docs']);
    expect(await (await get('/repos/acme/web/branches/main')).json()).toMatchObject({ name: 'main', commit: { sha } });
    expect(await (await get('/repos/acme/web/commits/main', { accept: 'application/vnd.github.sha' })).text()).toBe(sha);
    expect(await (await get('/repos/acme/web/commits/main')).json()).toMatchObject({ sha });
    expect(await (await get('/repos/acme/web/git/ref/heads/main')).json()).toMatchObject({ ref: 'refs/heads/main', object: { sha } });
    expect(await (await fetch(`${github.rawBaseUrl}/acme/web/main/docs/index.md`, { headers: auth() })).text()).toBe('# docs\n');
    expect(github.violations).toEqual([]);
  });

  it('hides a private repository from anonymous callers and refuses bad tokens', async () => {
    expect((await fetch(`${github.apiBaseUrl}/repos/acme/web`)).status).toBe(404);
    const bad = await fetch(`${github.apiBaseUrl}/repos/acme/web`, { headers: { authorization: 'token nope' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Bad credentials' });
  });

  it('turns a response that does not match the description into a 500 and a recorded violation', async () => {
    github.route('GET', '/repos/{owner}/{repo}/branches/{branch}', () => ({ status: 200, json: { name: 'main' } }));
    const response = await fetch(`${github.apiBaseUrl}/repos/acme/web/branches/main`, { headers: auth() });
    expect(response.status).toBe(500);
    expect(github.violations.at(-1)).toMatch(/branches\/\{branch\} 200: response body does not match/);
    expect(() => github.assertNoViolations()).toThrow(/violation/);
    github.violations.length = 0;
    github.route('GET', '/repos/{owner}/{repo}/branches/{branch}', () => ({ status: 299, json: {} }));
    await fetch(`${github.apiBaseUrl}/repos/acme/web/branches/main`, { headers: auth() });
    expect(github.violations.at(-1)).toMatch(/status not documented/);
    github.violations.length = 0;
  });

  it('redirects tarball requests to the archive origin, which serves git archive output', async () => {
    const redirect = await fetch(`${github.apiBaseUrl}/repos/acme/web/tarball/main`, { headers: auth(), redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(github.codeloadBaseUrl)).toBe(true);
    const archive = await fetch(location);
    expect(archive.status).toBe(200);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-archive-'));
    try {
      await writeFile(path.join(dir, 'a.tar.gz'), Buffer.from(await archive.arrayBuffer()));
      await exec('tar', ['-xzf', 'a.tar.gz'], { cwd: dir });
      expect(await readFile(path.join(dir, `acme-web-${sha.slice(0, 7)}`, 'docs/index.md'), 'utf8')).toBe('# docs\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await fetch(location.replace(/token=[^&]+/, 'token=forged'))).status).toBe(404);
  });

  it('serves git over smart HTTP with the token as password, and accepts pushes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-clone-'));
    const header = `Authorization: Basic ${Buffer.from(`x-access-token:${github.token}`).toString('base64')}`;
    try {
      const denied = exec('git', ['clone', '--quiet', `${github.baseUrl}/acme/web.git`, path.join(dir, 'denied')], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
      await expect(denied).rejects.toThrow();
      await exec('git', ['-c', `http.extraHeader=${header}`, 'clone', '--quiet', `${github.baseUrl}/acme/web.git`, path.join(dir, 'web')]);
      await writeFile(path.join(dir, 'web', 'new.txt'), 'pushed\n');
      const gitIn = (args: string[]) => exec('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', `http.extraHeader=${header}`, ...args], { cwd: path.join(dir, 'web') });
      await gitIn(['add', 'new.txt']);
      await gitIn(['commit', '--quiet', '-m', 'push']);
      await gitIn(['push', '--quiet', 'origin', 'HEAD:main']);
      expect(await github.git.git('acme/web', ['show', 'main:new.txt'])).toBe('pushed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('verifies app JWTs with the app public key and issues installation tokens', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    github.addApp({ appId: 42, publicKey });
    const installation = github.addInstallation(42, 'acme');
    const jwt = (key = privateKey) => {
      const now = Math.floor(Date.now() / 1000);
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const data = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 300, iss: 42 })}`;
      return `${data}.${sign('sha256', Buffer.from(data), key).toString('base64url')}`;
    };
    const list = await fetch(`${github.apiBaseUrl}/app/installations`, { headers: { authorization: `Bearer ${jwt()}` } });
    expect(await list.json()).toMatchObject([{ id: installation.id, account: { login: 'acme' } }]);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect((await fetch(`${github.apiBaseUrl}/app/installations`, { headers: { authorization: `Bearer ${jwt(other)}` } })).status).toBe(401);
    const minted = await fetch(`${github.apiBaseUrl}/app/installations/${installation.id}/access_tokens`, { method: 'POST', headers: { authorization: `Bearer ${jwt()}` } });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    expect((await fetch(`${github.apiBaseUrl}/repos/acme/web`, { headers: { authorization: `token ${token}` } })).status).toBe(200);
  });

  it('lets middleware answer, e.g. a rate limit', async () => {
    const resetAt = new Date(Date.now() + 60_000);
    const remove = github.use(() => rateLimitExceeded({ resetAt }));
    const response = await fetch(`${github.apiBaseUrl}/repos/acme/web`, { headers: auth() });
    remove();
    expect(response.status).toBe(403);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(response.headers.get('x-ratelimit-reset')).toBe(String(Math.floor(resetAt.getTime() / 1000)));
    expect((await fetch(`${github.apiBaseUrl}/repos/acme/web`, { headers: auth() })).status).toBe(200);
  });
});
