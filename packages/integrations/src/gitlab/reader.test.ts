import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitlabContractServer, startGitlabContractServer } from '../../../../test/support/contract/gitlab/index.js';
import { createIntegrations } from '../integrations.js';
import { createGitlabIntegration, type GitlabIntegration, isGitlabIntegration } from './index.js';

const TOKEN = 'glpat-contract-secret';
let gitlab: GitlabContractServer;
let integration: GitlabIntegration;
let mainSha: string;

const integrationFor = (overrides: Record<string, unknown> = {}) =>
  createGitlabIntegration({ host: gitlab.host, baseUrl: gitlab.baseUrl, token: TOKEN, allowPrivateNetwork: true, ...overrides });

beforeAll(async () => {
  // A self-managed GitLab under a path prefix: every URL below carries it.
  gitlab = await startGitlabContractServer({ token: TOKEN, prefix: '/gitlab' });
  await gitlab.createProject('acme/platform/web', {
    'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: web\n',
    'docs/index.md': '# Web',
    'docs/guides/setup.md': '# Setup',
    'services/api/catalog-info.yaml': 'kind: API',
  });
  mainSha = await gitlab.git.git('acme/platform/web', ['rev-parse', 'main']);
  await gitlab.git.commit('acme/platform/web', { 'docs/index.md': '# Web on a branch' }, { branch: 'feature/new-docs' });
  await gitlab.createProject('acme/links', { 'docs/index.md': '# Links', 'docs/escape': { symlink: '../../../../etc/passwd' } });
  integration = integrationFor();
}, 60_000);
afterAll(() => gitlab?.close());

const url = (rest: string) => `${gitlab.baseUrl}/acme/platform/web${rest}`;

describe('GitLab reader against the contract server', () => {
  it('reads a file of a nested group, with an etag GitLab honours', async () => {
    const first = await integration.reader.read(url('/-/blob/main/catalog-info.yaml'));
    expect(first.buffer.toString()).toContain('name: web');
    const blobId = await gitlab.git.git('acme/platform/web', ['rev-parse', 'main:catalog-info.yaml']);
    expect(first.etag).toBe(`"${blobId}"`);
    await expect(integration.reader.read(url('/-/blob/main/catalog-info.yaml'), { etag: first.etag })).rejects.toBeInstanceOf(NotModifiedError);
    // the old URL form without `/-/` and raw URLs read the same file
    expect((await integration.reader.read(url('/blob/main/catalog-info.yaml'))).etag).toBe(first.etag);
    expect((await integration.reader.read(url('/-/raw/main/catalog-info.yaml'))).etag).toBe(first.etag);
  });

  it('resolves a ref containing "/" through the API', async () => {
    const { buffer } = await integration.reader.read(url('/-/blob/feature/new-docs/docs/index.md'));
    expect(buffer.toString()).toBe('# Web on a branch');
    const tree = await integration.reader.readTree(url('/-/tree/feature/new-docs/docs'));
    expect(tree.files.map((f) => f.path).sort()).toEqual(['guides/setup.md', 'index.md']);
  });

  it('reads a subdirectory tree from the archive; etag is the commit sha', async () => {
    const tree = await integration.reader.readTree(url('/-/tree/main/docs'));
    expect(tree.etag).toBe(mainSha);
    expect(tree.files.map((f) => f.path).sort()).toEqual(['guides/setup.md', 'index.md']);
    await expect(integration.reader.readTree(url('/-/tree/main/docs'), { etag: mainSha })).rejects.toBeInstanceOf(NotModifiedError);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gitlab-tree-'));
    try {
      await tree.writeTo(dir);
      expect(await readFile(path.join(dir, 'guides/setup.md'), 'utf8')).toBe('# Setup');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const archive = gitlab.requests.findLast((r) => r.url.includes('/repository/archive.tar.gz'));
    expect(archive?.url).toContain(`sha=${mainSha}`);
    expect(archive?.url).toContain('path=docs');
  });

  it('reads the default branch of a project URL, with a filter', async () => {
    const tree = await integration.reader.readTree(url(''), { filter: (p) => p.endsWith('.yaml') });
    expect(tree.files.map((f) => f.path).sort()).toEqual(['catalog-info.yaml', 'services/api/catalog-info.yaml']);
  });

  it('refuses trees over the configured limits before writing anything', async () => {
    await expect(integrationFor({ maxTreeFiles: 1 }).reader.readTree(url('/-/tree/main/docs'))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(integrationFor({ maxTreeBytes: 10 }).reader.readTree(url('/-/tree/main'))).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('refuses a tree holding a symbolic link', async () => {
    await expect(integration.reader.readTree(`${gitlab.baseUrl}/acme/links/-/tree/main/docs`)).rejects.toThrow(NotAllowedError);
    await expect(integration.reader.readTree(`${gitlab.baseUrl}/acme/links/-/tree/main/docs`)).rejects.toThrow(/SymbolicLink/);
  });

  it('searches with a glob over the recursive repository tree', async () => {
    const result = await integration.reader.search!(url('/-/blob/main/**/catalog-info.yaml'));
    expect(result.files.map((f) => f.url).sort()).toEqual([url('/-/blob/main/catalog-info.yaml'), url('/-/blob/main/services/api/catalog-info.yaml')]);
    expect((await result.files[1]!.content()).toString()).toMatch(/kind:/);
    expect(result.etag).toBe(mainSha);
    const none = await integration.reader.search!(url('/-/blob/main/nothing/**/*.yaml'));
    expect(none.files).toEqual([]);
    const single = await integration.reader.search!(url('/-/blob/main/docs/index.md'));
    expect(single.files).toHaveLength(1);
  });

  it('search returns regular files only, never a symbolic link (its target text is no file content)', async () => {
    const result = await integration.reader.search!(`${gitlab.baseUrl}/acme/links/-/blob/main/docs/*`);
    expect(result.files.map((file) => file.url)).toEqual([`${gitlab.baseUrl}/acme/links/-/blob/main/docs/index.md`]);
  });

  it('maps a bad token to AuthenticationError without leaking either token', async () => {
    const bad = integrationFor({ token: 'glpat-wrong' });
    const error = await bad.reader.read(url('/-/blob/main/catalog-info.yaml')).catch((e: Error) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    await expect(bad.reader.readTree(url('/-/tree/main'))).rejects.toBeInstanceOf(AuthenticationError);
    expect(String((error as Error).message)).not.toMatch(/glpat-/);
  });

  it('maps missing projects, files and refs to NotFoundError', async () => {
    await expect(integration.reader.read(`${gitlab.baseUrl}/acme/nope/-/blob/main/a.md`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(integration.reader.read(url('/-/blob/main/missing.yaml'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(integration.reader.readTree(url('/-/tree/no-such-branch/docs'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports rate limiting with its reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    gitlab.failNext(429, { 'ratelimit-reset': String(reset), 'retry-after': '120' });
    const error = await integration.reader.readTree(url('/-/tree/main')).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toContain(new Date(reset * 1000).toISOString());
    gitlab.failNext(403, { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) });
    await expect(integration.reader.read(url('/-/blob/main/catalog-info.yaml'))).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('refuses a redirect to another host', async () => {
    gitlab.redirectNext('http://127.0.0.2:1/steal');
    await expect(integration.reader.readTree(url('/-/tree/main'))).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('refuses a host on the private network unless allowed, and URLs that are not files', async () => {
    const closed = createGitlabIntegration({ host: gitlab.host, baseUrl: gitlab.baseUrl, token: TOKEN });
    await expect(closed.reader.read(url('/-/blob/main/catalog-info.yaml'))).rejects.toBeInstanceOf(NotAllowedError);
    await expect(integration.reader.read(url('/-/tree/main/docs'))).rejects.toBeInstanceOf(InputError);
    await expect(integration.reader.read('https://gitlab.com/acme/web/-/blob/main/a.md')).rejects.toBeInstanceOf(InputError);
  });

  it('is built from Backstage-shaped config by createIntegrations', async () => {
    const integrations = createIntegrations({
      config: { gitlab: [{ host: gitlab.host, baseUrl: gitlab.baseUrl, token: TOKEN, allowPrivateNetwork: true }] },
    });
    const found = integrations.byUrl(url('/-/blob/main/catalog-info.yaml'));
    expect(isGitlabIntegration(found)).toBe(true);
    expect(found?.parseUrl(url('/-/blob/main/catalog-info.yaml'))).toMatchObject({ owner: 'acme/platform', repo: 'web' });
    const { buffer } = await integrations.reader.read(url('/-/blob/main/docs/index.md'));
    expect(buffer.toString()).toBe('# Web');
    expect(integrations.resolveEditUrl(url('/-/blob/main/docs/index.md'))).toBe(url('/-/edit/main/docs/index.md'));
  });

  it('gives publishers a Gitbeaker client on the same host fetch', async () => {
    const project = await integration.client().Projects.show('acme/platform/web');
    expect(project.path_with_namespace).toBe('acme/platform/web');
    expect(integration.gitHeaders()?.Authorization).toMatch(/^Basic /);
    expect(integration.remoteUrl('acme/platform/web')).toBe(`${gitlab.baseUrl}/acme/platform/web.git`);
  });
});
