import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuthenticationError, NotAllowedError, NotFoundError, NotModifiedError, PayloadTooLargeError, ServiceUnavailableError } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BitbucketCloudContract, startBitbucketCloudContract } from '../../../../test/support/contract/bitbucket-cloud/server.js';
import { createIntegrations } from '../integrations.js';
import { createBitbucketCloudIntegration, isBitbucketCloudIntegration } from './index.js';

const credentials = { username: 'bot', appPassword: 'app-password-1', token: 'access-token-1' };

describe('Bitbucket Cloud reader against the contract server', () => {
  let cloud: BitbucketCloudContract;
  let commit: string;
  const integration = (extra: Record<string, unknown> = {}) =>
    createBitbucketCloudIntegration({ username: credentials.username, appPassword: credentials.appPassword, apiBaseUrl: cloud.apiBaseUrl, allowPrivateNetwork: true, ...extra });

  beforeAll(async () => {
    cloud = await startBitbucketCloudContract(credentials);
    commit = await cloud.createRepo('acme', 'web', {
      'catalog-info.yaml': 'kind: Component\nmetadata: { name: web }\n',
      'docs/index.md': '# Docs\n',
      'docs/sub/page.md': '# Page\n',
      'services/a/catalog-info.yaml': 'kind: Component\nmetadata: { name: a }\n',
      'services/b/catalog-info.yaml': 'kind: Component\nmetadata: { name: b }\n',
    });
    await cloud.createRepo('acme', 'linked', { 'docs/index.md': '# x', 'docs/evil': { symlink: '/etc/passwd' } });
  });
  afterAll(async () => cloud.close());

  it('reads a file at a branch, with the commit as etag, and answers NotModified for it', async () => {
    const reader = integration().reader;
    const url = 'https://bitbucket.org/acme/web/src/main/catalog-info.yaml';
    expect(reader.canRead(url)).toBe(true);
    const response = await reader.read(url);
    expect(response.buffer.toString()).toContain('name: web');
    expect(response.etag).toBe(commit);
    await expect(reader.read(url, { etag: commit })).rejects.toBeInstanceOf(NotModifiedError);
    const next = await cloud.git.commit('acme/web', { 'catalog-info.yaml': 'kind: Component\nmetadata: { name: web2 }\n' });
    const changed = await reader.read(url, { etag: commit });
    expect(changed.etag).toBe(next);
    expect(changed.buffer.toString()).toContain('name: web2');
    // A commit URL reads that commit, not the branch.
    expect((await reader.read(`https://bitbucket.org/acme/web/src/${commit}/catalog-info.yaml`)).buffer.toString()).toContain('{ name: web }');
  });

  it('reads a subdirectory tree from the archive and writes it only below the target', async () => {
    const tree = await integration().reader.readTree('https://bitbucket.org/acme/web/src/main/docs');
    expect(tree.files.map((f) => f.path).sort()).toEqual(['index.md', 'sub/page.md']);
    expect(tree.etag).toMatch(/^[0-9a-f]{40}$/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-cloud-tree-'));
    try {
      await tree.writeTo(dir);
      expect(await readFile(path.join(dir, 'sub/page.md'), 'utf8')).toBe('# Page\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(cloud.requests.some((r) => /^\/acme\/web\/get\/[0-9a-f]{40}\.tar\.gz$/.test(r.path))).toBe(true);
    await expect(integration().reader.readTree('https://bitbucket.org/acme/web/src/main/docs', { etag: tree.etag })).rejects.toBeInstanceOf(NotModifiedError);
  });

  it('refuses trees over the configured limits and trees with symbolic links', async () => {
    await expect(integration({ maxTreeFiles: 1 }).reader.readTree('https://bitbucket.org/acme/web/src/main')).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(integration({ maxTreeBytes: 10 }).reader.readTree('https://bitbucket.org/acme/web/src/main/docs')).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(integration({ maxTreeBytes: 10 }).reader.read('https://bitbucket.org/acme/web/src/main/catalog-info.yaml')).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(integration().reader.readTree('https://bitbucket.org/acme/linked/src/main')).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('searches a glob over the tree and returns readable URLs', async () => {
    const reader = integration().reader;
    const all = await reader.search!('https://bitbucket.org/acme/web/src/main/**/catalog-info.yaml');
    expect(all.files.map((f) => f.url).sort()).toEqual([
      'https://bitbucket.org/acme/web/src/main/catalog-info.yaml',
      'https://bitbucket.org/acme/web/src/main/services/a/catalog-info.yaml',
      'https://bitbucket.org/acme/web/src/main/services/b/catalog-info.yaml',
    ]);
    const some = await reader.search!('https://bitbucket.org/acme/web/src/main/services/*/catalog-info.yaml');
    expect(some.files.map((f) => f.url)).toHaveLength(2);
    expect((await reader.read(some.files[0]!.url)).buffer.toString()).toBe((await some.files[0]!.content()).toString());
    expect((await reader.search!('https://bitbucket.org/acme/web/src/main/missing.yaml')).files).toEqual([]);
  });

  it('turns host failures into typed errors without leaking credentials', async () => {
    const bad = createBitbucketCloudIntegration({ username: 'bot', appPassword: 'wrong-secret-9', apiBaseUrl: cloud.apiBaseUrl, allowPrivateNetwork: true });
    const failure = await bad.reader.read('https://bitbucket.org/acme/web/src/main/catalog-info.yaml').catch((e: Error) => e);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect(String((failure as Error).message)).not.toContain('wrong-secret-9');
    await expect(integration().reader.read('https://bitbucket.org/acme/nope/src/main/x.yaml')).rejects.toBeInstanceOf(NotFoundError);
    await expect(integration().reader.read('https://bitbucket.org/acme/web/src/main/nope.yaml')).rejects.toBeInstanceOf(NotFoundError);
    await expect(integration().reader.read('https://bitbucket.org/acme/web/src/no-such-branch/x.yaml')).rejects.toBeInstanceOf(NotFoundError);
    // A directory is answered with a listing, which is not a file's content.
    await expect(integration().reader.read('https://bitbucket.org/acme/web/src/main/docs')).rejects.toThrow(/names a directory/);

    cloud.injectNext({ status: 429, headers: { 'retry-after': '30' } });
    await expect(integration().reader.read('https://bitbucket.org/acme/web/src/main/catalog-info.yaml')).rejects.toThrow(
      expect.objectContaining({ name: 'ServiceUnavailableError', message: expect.stringContaining('retry after 30s') }),
    );
    cloud.injectNext({ status: 302, headers: { location: 'https://attacker.example.com/steal' } });
    await expect(integration().reader.read('https://bitbucket.org/acme/web/src/main/catalog-info.yaml')).rejects.toBeInstanceOf(NotAllowedError);
    cloud.injectNext({ status: 503 });
    await expect(integration().reader.read('https://bitbucket.org/acme/web/src/main/catalog-info.yaml')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('authenticates with an access token (Bearer) and is found by createIntegrations', async () => {
    const integrations = createIntegrations({ config: { bitbucketCloud: [{ token: credentials.token, apiBaseUrl: cloud.apiBaseUrl, allowPrivateNetwork: true }] } });
    const found = integrations.byUrl('https://bitbucket.org/acme/web/src/main/docs/index.md');
    expect(isBitbucketCloudIntegration(found)).toBe(true);
    expect((await integrations.reader.read('https://bitbucket.org/acme/web/src/main/docs/index.md')).buffer.toString()).toBe('# Docs\n');
    expect(cloud.requests.at(-1)?.authorized).toBe(true);
  });

  it('refuses half-configured credentials at creation', () => {
    expect(() => createBitbucketCloudIntegration({ username: 'bot' })).toThrow(/createBitbucketCloudIntegration/);
  });
});
