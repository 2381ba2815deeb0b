import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGithubIntegration, createIntegrations, type GithubIntegration, isGithubIntegration } from '@portalkit/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GithubContractServer, rateLimitExceeded, secondaryRateLimit, startGithubContractServer } from '../../support/contract/github/index.js';

// The GitHub integration's reader against the local GitHub (real Octokit, real git archives,
// every API response validated against GitHub's description).
describe('GitHub integration reader', () => {
  let github: GithubContractServer;
  let integration: GithubIntegration;
  let mainSha: string;
  let releaseSha: string;
  const url = (rest: string) => `${github.baseUrl}/${rest}`;
  const configFor = (server: GithubContractServer) => ({
    host: server.host,
    apiBaseUrl: server.apiBaseUrl,
    rawBaseUrl: server.rawBaseUrl,
    codeloadBaseUrl: server.codeloadBaseUrl,
    token: server.token,
    allowPrivateNetwork: true,
  });

  beforeAll(async () => {
    github = await startGithubContractServer();
    ({ sha: mainSha } = await github.addRepo(
      'acme',
      'web',
      {
        'catalog-info.yaml': 'kind: Component\n',
        'README.md': '# web\n',
        'docs/index.md': '# docs\n',
        'docs/guide/a.md': '# a\n',
        'services/api/catalog-info.yaml': 'kind: API\n',
        '.github/catalog-info.yaml': 'kind: Hidden\n',
      },
      { private: true },
    ));
    releaseSha = await github.git.commit('acme/web', { 'docs/index.md': '# release docs\n' }, { branch: 'release/v1' });
    await github.addRepo('acme', 'links', { 'README.md': '# links\n', 'docs/index.md': '# d\n', 'docs/escape': { symlink: '../../../etc/passwd' } }, { private: true });
    integration = createGithubIntegration(configFor(github));
  });
  afterAll(async () => {
    await github?.close();
  });

  it('reads a file through the contents API, with its etag, and answers NotModified for that etag', async () => {
    const first = await integration.reader.read(url('acme/web/blob/main/docs/index.md'));
    expect(first.buffer.toString()).toBe('# docs\n');
    expect(first.etag).toBeTruthy();
    await expect(integration.reader.read(url('acme/web/blob/main/docs/index.md'), { etag: first.etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    const raw = await integration.reader.read(`${github.rawBaseUrl}/acme/web/main/README.md`);
    expect(raw.buffer.toString()).toBe('# web\n');
  });

  it('resolves a ref containing a slash through the API', async () => {
    const { buffer } = await integration.reader.read(url('acme/web/blob/release/v1/docs/index.md'));
    expect(buffer.toString()).toBe('# release docs\n');
    const tree = await integration.reader.readTree(url('acme/web/tree/release/v1/docs'));
    expect(tree.etag).toBe(releaseSha);
  });

  it('refuses reading a directory as a file, and names missing files and repositories NotFound', async () => {
    await expect(integration.reader.read(url('acme/web/tree/main/docs'))).rejects.toMatchObject({ name: 'InputError' });
    await expect(integration.reader.read(url('acme/web/blob/main/missing.md'))).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(integration.reader.read(url('acme/nope/blob/main/a.md'))).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(integration.reader.readTree(url('acme/web/tree/no-such-branch/docs'))).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('reads a subdirectory through the tarball API: the commit is the etag, Authorization never reaches the archive origin', async () => {
    const tree = await integration.reader.readTree(url('acme/web/tree/main/docs'));
    expect(tree.etag).toBe(mainSha);
    expect(tree.files.map((f) => f.path).sort()).toEqual(['guide/a.md', 'index.md']);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'github-tree-'));
    try {
      await tree.writeTo(dir);
      expect(await readFile(path.join(dir, 'guide/a.md'), 'utf8')).toBe('# a\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expect(integration.reader.readTree(url('acme/web/tree/main/docs'), { etag: mainSha })).rejects.toMatchObject({ name: 'NotModifiedError' });
    const archiveRequests = github.requests.filter((r) => r.origin === 'codeload');
    expect(archiveRequests.length).toBeGreaterThan(0);
    expect(archiveRequests.every((r) => !r.authorization)).toBe(true);
    const whole = await integration.reader.readTree(url('acme/web'), { filter: (p) => p.endsWith('.md') });
    expect(whole.files.map((f) => f.path).sort()).toEqual(['README.md', 'docs/guide/a.md', 'docs/index.md']);
  });

  it('refuses an archive above the configured size or file count before writing anything', async () => {
    const small = createGithubIntegration({ ...configFor(github), maxTreeBytes: 10 });
    await expect(small.reader.readTree(url('acme/web/tree/main/docs'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    const few = createGithubIntegration({ ...configFor(github), maxTreeFiles: 2 });
    await expect(few.reader.readTree(url('acme/web'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
  });

  it('refuses an archive holding a symbolic link with a typed error; nothing is written', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'github-links-')), 'out');
    try {
      await expect(integration.reader.readTree(url('acme/links/tree/main/docs')).then((tree) => tree.writeTo(dir))).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(/docs\/escape, a SymbolicLink entry/),
      });
      await expect(stat(dir)).rejects.toThrow();
    } finally {
      await rm(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('searches a glob through the git trees API and reads matches through the blob API', async () => {
    const result = await integration.reader.search!(url('acme/web/blob/main/**/catalog-info.yaml'));
    expect(result.etag).toBe(mainSha);
    const byUrl = Object.fromEntries(await Promise.all(result.files.map(async (f) => [f.url, (await f.content()).toString()])));
    expect(byUrl).toEqual({
      [url('acme/web/blob/main/catalog-info.yaml')]: 'kind: Component\n',
      [url('acme/web/blob/main/services/api/catalog-info.yaml')]: 'kind: API\n',
    });
    await expect(integration.reader.search!(url('acme/web/blob/main/**/catalog-info.yaml'), { etag: mainSha })).rejects.toMatchObject({ name: 'NotModifiedError' });
    expect((await integration.reader.search!(url('acme/web/blob/main/README.md'))).files).toHaveLength(1);
    expect((await integration.reader.search!(url('acme/web/blob/main/missing.yaml'))).files).toEqual([]);
  });

  it('falls back to the tarball when GitHub truncates the recursive tree', async () => {
    const restore = github.route('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', (request) => ({
      status: 200,
      json: { sha: request.params.tree_sha, url: `${github.apiBaseUrl}/repos/acme/web/git/trees/x`, truncated: true, tree: [] },
    }));
    try {
      const result = await integration.reader.search!(url('acme/web/blob/main/**/catalog-info.yaml'));
      expect(result.files.map((f) => f.url).sort()).toEqual([url('acme/web/blob/main/catalog-info.yaml'), url('acme/web/blob/main/services/api/catalog-info.yaml')]);
      expect((await result.files[0]!.content()).toString()).toMatch(/^kind: /);
    } finally {
      restore();
    }
  });

  it('turns a bad token into AuthenticationError without the token in the message', async () => {
    const bad = createGithubIntegration({ ...configFor(github), token: 'ghp_wrong_secret_value' });
    const error = await bad.reader.read(url('acme/web/blob/main/README.md')).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError' });
    expect(String((error as Error).message)).not.toContain('ghp_wrong_secret_value');
    const anonymous = createGithubIntegration({ ...configFor(github), token: undefined });
    await expect(anonymous.reader.read(url('acme/web/blob/main/README.md'))).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('names when a primary rate limit (403) resets and how long a secondary one (429) asks to wait', async () => {
    const resetAt = new Date(Math.floor(Date.now() / 1000 + 120) * 1000);
    let remove = github.use(() => rateLimitExceeded({ resetAt }));
    try {
      await expect(integration.reader.read(url('acme/web/blob/main/README.md'))).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(`resets at ${resetAt.toISOString()}`),
      });
    } finally {
      remove();
    }
    remove = github.use(() => secondaryRateLimit({ retryAfterSeconds: 30 }));
    try {
      await expect(integration.reader.readTree(url('acme/web/tree/main/docs'))).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('retry after 30 s'),
      });
    } finally {
      remove();
    }
  });

  it('refuses a redirect to an origin that is not configured', async () => {
    const other = `http://localhost:${new URL(github.codeloadBaseUrl).port}`;
    const restore = github.route('GET', '/repos/{owner}/{repo}/tarball/{ref}', () => ({ status: 302, headers: { location: `${other}/acme/web/legacy.tar.gz/${mainSha}` } }));
    try {
      await expect(integration.reader.readTree(url('acme/web/tree/main/docs'))).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(`${other} is not a configured origin`),
      });
    } finally {
      restore();
    }
    expect((await integration.reader.readTree(url('acme/web/tree/main/docs'))).files).toHaveLength(2);
  });

  it('refuses a host resolving to a private address unless allowPrivateNetwork is set', async () => {
    const strict = createGithubIntegration({ ...configFor(github), allowPrivateNetwork: false });
    await expect(strict.reader.read(url('acme/web/blob/main/README.md'))).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('reads through createIntegrations with Backstage config', async () => {
    const integrations = createIntegrations({ config: { github: [configFor(github)] } });
    const { buffer } = await integrations.reader.read(url('acme/web/blob/main/catalog-info.yaml'));
    expect(buffer.toString()).toBe('kind: Component\n');
    expect(isGithubIntegration(integrations.byHost(github.host))).toBe(true);
    expect(integrations.resolveUrl({ url: './guide/a.md', base: url('acme/web/blob/main/docs/index.md') })).toBe(url('acme/web/tree/main/docs/guide/a.md'));
  });
});
