import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../../../../test/support/git-http-server.js';
import type { GitIntegrationConfig } from '../config.js';
import { createGitIntegration, type GitIntegration } from './index.js';

const PASSWORD = 'reader-secret-42';

let server: GitHttpServer;
let git: GitIntegration;
let R: string;
let mainCommit: string;
const integration = (overrides: Partial<GitIntegrationConfig> = {}) =>
  createGitIntegration({ host: server.host, baseUrl: server.baseUrl, username: 'bot', password: PASSWORD, allowPrivateNetwork: true, ...overrides });

// The reader's temporary repositories go to a directory of this test only (os.tmpdir() follows
// TMPDIR), so what is left behind is this file's doing and no concurrent process's.
let tmp: string;
const savedTmp = process.env.TMPDIR;
/** Temporary repositories the reader left behind. */
const leftovers = async () => (await readdir(tmp)).filter((name) => name.startsWith('portalkit-git-read-'));

beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'bot', password: PASSWORD }, prefix: '/scm' });
  mainCommit = await server.createRepo('team/app', {
    'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: app\n',
    'README.md': '# app\n',
    'docs/index.md': '# Docs\n',
    'docs/guide/setup.md': 'setup\n',
    'docs/big.bin': 'x'.repeat(5000),
    'services/a/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: a\n',
    'services/b/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: b\n',
    'services/b/.hidden/catalog-info.yaml': 'hidden',
  });
  await server.commit('team/app', { 'docs/index.md': '# Feature docs\n' }, { branch: 'feature/x' });
  await server.git('team/app', ['tag', '-a', '-m', 'release', 'v1.0', 'main']);
  // Real hosts serve partial clones; git http-backend does when the repository allows it.
  await server.git('team/app', ['config', 'uploadpack.allowFilter', 'true']);
  await server.createRepo('team/links', { 'docs/index.md': '# hi\n', 'docs/escape': { symlink: '../../../../etc/passwd' }, 'link.yaml': { symlink: 'docs/index.md' } });
  git = integration();
  R = `${server.baseUrl}/team/app.git`;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'git-reader-tmp-'));
  process.env.TMPDIR = tmp;
}, 120_000);
afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await server?.close();
  if (!tmp) return;
  // Every read, failed ones included, removed its temporary repository.
  expect(await leftovers()).toEqual([]);
  await rm(tmp, { recursive: true, force: true });
});

describe('git reader: read', () => {
  it('reads a file of a branch with the blob id as etag, and answers an unchanged etag with NotModified', async () => {
    const { buffer, etag } = await git.reader.read(`${R}/blob/main/catalog-info.yaml`);
    expect(buffer.toString()).toBe('kind: Component\nmetadata:\n  name: app\n');
    expect(etag).toBe(await server.git('team/app', ['rev-parse', 'main:catalog-info.yaml']));
    await expect(git.reader.read(`${R}/blob/main/catalog-info.yaml`, { etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    // A fresh integration (no cache) reaches the same answer by fetching.
    await expect(integration().reader.read(`${R}/raw/main/catalog-info.yaml`, { etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    expect(await leftovers()).toEqual([]);
  });

  it('sees a new commit, and a file untouched by it stays NotModified', async () => {
    await server.createRepo('team/moving', { 'a.yaml': 'one', 'b.yaml': 'same' });
    const url = (file: string) => `${server.baseUrl}/team/moving.git/blob/main/${file}`;
    const a = await git.reader.read(url('a.yaml'));
    const b = await git.reader.read(url('b.yaml'));
    await server.commit('team/moving', { 'a.yaml': 'two' });
    const changed = await git.reader.read(url('a.yaml'), { etag: a.etag });
    expect(changed.buffer.toString()).toBe('two');
    await expect(git.reader.read(url('b.yaml'), { etag: b.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('resolves refs with slashes, tags, commits and the default branch', async () => {
    expect((await git.reader.read(`${R}/blob/feature/x/docs/index.md`)).buffer.toString()).toBe('# Feature docs\n');
    expect((await git.reader.read(`${R}/blob/v1.0/docs/index.md`)).buffer.toString()).toBe('# Docs\n');
    expect((await git.reader.read(`${R}/blob/${mainCommit}/README.md`)).buffer.toString()).toBe('# app\n');
    expect((await git.reader.read(`${R}/blob/HEAD/README.md`)).buffer.toString()).toBe('# app\n');
  });

  it('answers missing files, refs and repositories with NotFoundError', async () => {
    await expect(git.reader.read(`${R}/blob/main/nope.yaml`)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(git.reader.read(`${R}/blob/no-such-branch/README.md`)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(git.reader.read(`${server.baseUrl}/team/missing.git/blob/main/README.md`)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses directories, symbolic links, repository URLs and files over the limit, typed', async () => {
    await expect(git.reader.read(`${R}/blob/main/docs`)).rejects.toMatchObject({ name: 'InputError' });
    await expect(git.reader.read(R)).rejects.toMatchObject({ name: 'InputError' });
    await expect(git.reader.read(`${server.baseUrl}/team/links.git/blob/main/link.yaml`)).rejects.toMatchObject({ name: 'NotAllowedError' });
    const small = integration({ maxTreeBytes: 1000 });
    await expect(small.reader.read(`${R}/blob/main/docs/big.bin`)).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    expect((await small.reader.read(`${R}/blob/main/README.md`)).buffer.toString()).toBe('# app\n');
  });

  it('fails with AuthenticationError on a wrong password or none, never showing the password', async () => {
    const wrong = integration({ password: 'wrong-password-77' });
    const error = await wrong.reader.read(`${R}/blob/main/README.md`).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError' });
    expect(String((error as Error).message)).not.toMatch(/wrong-password-77|reader-secret-42/);
    const anonymous = createGitIntegration({ host: server.host, baseUrl: server.baseUrl, allowPrivateNetwork: true });
    await expect(anonymous.reader.read(`${R}/blob/main/README.md`)).rejects.toMatchObject({ name: 'AuthenticationError' });
  });

  it('refuses a host resolving to an internal address before any request, unless allowed', async () => {
    const seen = server.requests.length;
    const guarded = integration({ allowPrivateNetwork: false });
    await expect(guarded.reader.read(`${R}/blob/main/README.md`)).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(guarded.reader.readTree(`${R}/tree/main/docs`)).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(guarded.checkNetwork()).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(server.requests.length).toBe(seen);
  });

  it('answers an unreachable host with ServiceUnavailableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createGitIntegration({ host: `127.0.0.1:${port}`, baseUrl: `http://127.0.0.1:${port}`, allowPrivateNetwork: true });
    await expect(unreachable.reader.read(`http://127.0.0.1:${port}/a.git/blob/main/x`)).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });

  it('never follows a redirect to another host, so the credentials stay with the configured one', async () => {
    // A "git host" that redirects every request to the real server (another origin).
    const seenAuth: Array<string | undefined> = [];
    const redirector = createHttpServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      res.writeHead(302, { location: `${server.baseUrl}${req.url?.replace(/^\/scm/, '')}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(redirector.address() as { port: number }).port}`;
    try {
      const seen = server.requests.length;
      const redirected = createGitIntegration({ host, baseUrl: `http://${host}/scm`, username: 'bot', password: PASSWORD, allowPrivateNetwork: true });
      const error = await redirected.reader.read(`http://${host}/scm/team/app.git/blob/main/README.md`).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'ServiceUnavailableError' });
      expect((error as Error).message).not.toContain(PASSWORD);
      expect(seenAuth.length).toBeGreaterThan(0);
      expect(server.requests.length).toBe(seen);
    } finally {
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it('refuses URLs of other hosts and hostile URLs as InputError before any request', async () => {
    const seen = server.requests.length;
    for (const url of [
      `http://bot:${PASSWORD}@${server.host}/scm/team/app.git/blob/main/README.md`,
      `${R}/blob/main/..%2f..%2fsecret`,
      `http://evil.example.com/scm/team/app.git/blob/main/README.md`,
    ]) {
      const error = await git.reader.read(url).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'InputError' });
      expect((error as Error).message).not.toContain(PASSWORD);
    }
    expect(server.requests.length).toBe(seen);
  });
});

describe('git reader: readTree', () => {
  it('reads a subdirectory with paths relative to it and the tree id as etag', async () => {
    const tree = await git.reader.readTree(`${R}/tree/main/docs`);
    expect(tree.files.map((f) => f.path).sort()).toEqual(['big.bin', 'guide/setup.md', 'index.md']);
    expect((await tree.files.find((f) => f.path === 'guide/setup.md')!.content()).toString()).toBe('setup\n');
    expect(tree.etag).toBe(await server.git('team/app', ['rev-parse', 'main:docs']));
    await expect(git.reader.readTree(`${R}/tree/main/docs`, { etag: tree.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    await expect(integration().reader.readTree(`${R}/tree/main/docs`, { etag: tree.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    const filtered = await git.reader.readTree(`${R}/tree/main/docs`, { filter: (p) => p.endsWith('.md') });
    expect(filtered.files.map((f) => f.path).sort()).toEqual(['guide/setup.md', 'index.md']);
    expect(await leftovers()).toEqual([]);
  });

  it('reads the default branch of a repository URL', async () => {
    const tree = await git.reader.readTree(R);
    expect(tree.files.map((f) => f.path)).toContain('catalog-info.yaml');
    expect(tree.etag).toBe(await server.git('team/app', ['rev-parse', 'main^{tree}']));
  });

  it('refuses trees over the file or byte limit with PayloadTooLargeError', async () => {
    await expect(integration({ maxTreeFiles: 2 }).reader.readTree(`${R}/tree/main/docs`)).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(integration({ maxTreeBytes: 1000 }).reader.readTree(`${R}/tree/main/docs`)).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(git.reader.readTree(`${R}/tree/main/README.md`)).rejects.toMatchObject({ name: 'InputError' });
    await expect(git.reader.readTree(`${R}/tree/main/nope`)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses a tree holding a symbolic link, writing nothing anywhere', async () => {
    const target = await mkdtemp(path.join(os.tmpdir(), 'git-reader-target-'));
    try {
      const error = await git.reader
        .readTree(`${server.baseUrl}/team/links.git/tree/main/docs`)
        .then((tree) => tree.writeTo(target))
        .catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('symbolic link') });
      expect(await readdir(target)).toEqual([]);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });

  it('works against a server without partial-clone support (it sends the blobs along)', async () => {
    await server.createRepo('team/plain', { 'docs/a.md': 'a', 'b.md': 'b' });
    expect((await git.reader.readTree(`${server.baseUrl}/team/plain.git/tree/main/docs`)).files.map((f) => f.path)).toEqual(['a.md']);
    expect((await git.reader.read(`${server.baseUrl}/team/plain.git/blob/main/b.md`)).buffer.toString()).toBe('b');
    const found = await git.reader.search!(`${server.baseUrl}/team/plain.git/blob/main/**/*.md`);
    expect(await Promise.all(found.files.map(async (f) => [f.url.split('/blob/main/')[1], (await f.content()).toString()]))).toEqual([
      ['b.md', 'b'],
      ['docs/a.md', 'a'],
    ]);
  });
});

describe('git reader: search', () => {
  it('finds files by glob after the ref, as blob URLs of the same grammar', async () => {
    const result = await git.reader.search!(`${R}/blob/main/**/catalog-info.yaml`);
    expect(result.files.map((f) => f.url)).toEqual([
      `${R}/blob/main/catalog-info.yaml`,
      `${R}/blob/main/services/a/catalog-info.yaml`,
      `${R}/blob/main/services/b/catalog-info.yaml`,
    ]);
    expect((await result.files[1]!.content()).toString()).toContain('name: a');
    for (const file of result.files) expect((await git.reader.read(file.url)).buffer).toEqual(await file.content());
    await expect(git.reader.search!(`${R}/blob/main/**/catalog-info.yaml`, { etag: result.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('searches below a ref with slashes and a static prefix; no match is an empty result', async () => {
    const result = await git.reader.search!(`${R}/blob/feature/x/docs/*.md`);
    expect(result.files.map((f) => f.url)).toEqual([`${R}/blob/feature/x/docs/index.md`]);
    expect((await result.files[0]!.content()).toString()).toBe('# Feature docs\n');
    expect((await git.reader.search!(`${R}/blob/main/**/*.nothing`)).files).toEqual([]);
    await expect(git.reader.search!(`${R}/blob/*/x`)).rejects.toMatchObject({ name: 'InputError' });
    await expect(integration({ maxTreeFiles: 1 }).reader.search!(`${R}/blob/main/**/catalog-info.yaml`)).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
  });
});
