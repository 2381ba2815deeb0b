import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createIntegrations } from '@portalkit/integrations';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GiteaContractServer, startGiteaContractServer } from '../support/contract/gitea/server.js';

const user = { username: 'portal-bot', password: 'gitea-secret-password' };
let gitea: GiteaContractServer;
let first: string;

const integrationsFor = (config: Record<string, unknown> = {}) =>
  createIntegrations({ config: { gitea: [{ host: gitea.host, baseUrl: gitea.baseUrl, ...user, allowPrivateNetwork: true, ...config }] } });
const src = (ref: string, p = '') => `${gitea.baseUrl}/acme/web/src/branch/${ref}${p ? `/${p}` : ''}`;

beforeAll(async () => {
  gitea = await startGiteaContractServer({ user, orgs: ['acme'] });
  first = await gitea.createRepo('acme', 'web', {
    'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: web\n',
    'docs/index.md': '# Web\n',
    'docs/guide/setup.md': '# Setup\n',
    'services/a/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: a\n',
    'services/b/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: b\n',
  });
  await gitea.createRepo('acme', 'linked', { 'docs/index.md': '# x\n', 'docs/evil': { symlink: '/etc/passwd' } });
});
afterAll(async () => gitea?.close());
afterEach(() => expect(gitea.violations).toEqual([]));

describe('Gitea reader against the contract server (gitea-js, responses checked against Gitea swagger)', () => {
  it('reads a file with its blob sha as etag, then answers NotModified for that etag', async () => {
    const { reader } = integrationsFor();
    const { buffer, etag } = await reader.read(src('main', 'catalog-info.yaml'));
    expect(buffer.toString()).toContain('name: web');
    expect(etag).toBe(await gitea.git.git('acme/web', ['rev-parse', 'main:catalog-info.yaml']));
    await expect(reader.read(src('main', 'catalog-info.yaml'), { etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    await gitea.git.commit('acme/web', { 'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: web2\n' });
    const changed = await reader.read(src('main', 'catalog-info.yaml'), { etag });
    expect(changed.buffer.toString()).toContain('web2');
    expect(changed.etag).not.toBe(etag);
  });

  it('reads a tree of a subdirectory from the archive, with the commit sha as etag', async () => {
    const { reader } = integrationsFor();
    const tree = await reader.readTree(src('main', 'docs'));
    expect(tree.files.map((f) => f.path).sort()).toEqual(['guide/setup.md', 'index.md']);
    const head = await gitea.git.git('acme/web', ['rev-parse', 'main']);
    expect(tree.etag).toBe(head);
    await expect(reader.readTree(src('main', 'docs'), { etag: head })).rejects.toMatchObject({ name: 'NotModifiedError' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gitea-tree-'));
    try {
      await tree.writeTo(dir);
      expect(await readFile(path.join(dir, 'guide/setup.md'), 'utf8')).toBe('# Setup\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const older = await reader.readTree(`${gitea.baseUrl}/acme/web/src/commit/${first}/`, { filter: (p) => p.endsWith('.yaml') });
    expect(older.files.map((f) => f.path).sort()).toEqual(['catalog-info.yaml', 'services/a/catalog-info.yaml', 'services/b/catalog-info.yaml']);
  });

  it('refuses trees over the limits and trees with symlinks', async () => {
    await expect(integrationsFor({ maxTreeBytes: 10 }).reader.read(src('main', 'catalog-info.yaml'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(integrationsFor({ maxTreeFiles: 2 }).reader.readTree(src('main'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(integrationsFor({ maxTreeBytes: 20 }).reader.readTree(src('main'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(integrationsFor().reader.readTree(`${gitea.baseUrl}/acme/linked/src/branch/main/docs`)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('SymbolicLink'),
    });
    await expect(integrationsFor().reader.read(`${gitea.baseUrl}/acme/linked/src/branch/main/docs/evil`)).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('searches a glob through the tree API; every result URL reads back', async () => {
    const { reader } = integrationsFor();
    const result = await reader.search!(src('main', 'services/**/catalog-info.yaml'));
    expect(result.files.map((f) => f.url).sort()).toEqual([src('main', 'services/a/catalog-info.yaml'), src('main', 'services/b/catalog-info.yaml')]);
    expect((await result.files[0]!.content()).toString()).toMatch(/name: [ab]/);
    expect((await reader.read(result.files[1]!.url)).buffer.toString()).toMatch(/name: [ab]/);
    expect(result.etag).toBe(await gitea.git.git('acme/web', ['rev-parse', 'main']));
    expect((await reader.search!(src('main', '**/*.md'))).files).toHaveLength(2);
  });

  it('bad credentials are an AuthenticationError that names no secret', async () => {
    const error = await integrationsFor({ password: 'wrong-password-123' }).reader.read(src('main', 'catalog-info.yaml')).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError' });
    expect(String((error as Error).message)).not.toMatch(/wrong-password-123|gitea-secret-password/);
  });

  it('missing repositories, refs and files are NotFoundError', async () => {
    const { reader } = integrationsFor();
    await expect(reader.read(`${gitea.baseUrl}/acme/nope/src/branch/main/x.yaml`)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(reader.read(src('main', 'missing.yaml'))).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(reader.readTree(src('no-such-branch'))).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('rate limiting is a ServiceUnavailableError saying when to retry', async () => {
    gitea.rateLimit(1);
    await expect(integrationsFor().reader.read(src('main', 'catalog-info.yaml'))).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/rate limit.*retry after 30s/),
    });
  });

  it('a redirect to another host is refused and never receives the credentials', async () => {
    const seen: string[] = [];
    const other = await startGiteaContractServer({ user, orgs: [] });
    try {
      gitea.redirectNext(`${other.baseUrl}/api/v1/repos/acme/web/contents/catalog-info.yaml`);
      await expect(integrationsFor().reader.read(src('main', 'catalog-info.yaml'))).rejects.toMatchObject({ name: 'NotAllowedError' });
      seen.push(...other.requests.map((r) => r.path));
      expect(seen).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('a directory is not a file, and a file URL without a ref is an InputError', async () => {
    const { reader } = integrationsFor();
    await expect(reader.read(src('main', 'docs'))).rejects.toMatchObject({ name: 'InputError' });
    await expect(reader.read(`${gitea.baseUrl}/acme/web`)).rejects.toMatchObject({ name: 'InputError' });
  });
});
