import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createIntegrations } from '@portalkit/integrations';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AzureContractServer, startAzureContractServer } from '../support/contract/azure/server.js';

const pats = { acme: 'pat-acme-secret', other: 'pat-other-secret' };
let azure: AzureContractServer;
const repoUrl = 'https://dev.azure.com/acme/web/_git/service';
const at = (p: string, ref = 'main') => `${repoUrl}?path=${p}&version=GB${ref}`;

const integrationsFor = (config: Record<string, unknown> = {}) =>
  createIntegrations({
    config: {
      azure: [
        {
          host: 'dev.azure.com',
          apiBaseUrl: azure.baseUrl,
          allowPrivateNetwork: true,
          credentials: [{ organizations: ['acme'], personalAccessToken: pats.acme }, { organizations: ['other'], personalAccessToken: pats.other }],
          ...config,
        },
      ],
    },
  });

beforeAll(async () => {
  azure = await startAzureContractServer({ organizations: { acme: { pat: pats.acme, projects: ['web'] }, other: { pat: pats.other, projects: ['tools'] } } });
  await azure.createRepo('acme', 'web', 'service', {
    'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: service\n',
    'docs/index.md': '# Service\n',
    'docs/guide/setup.md': '# Setup\n',
    'services/a/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: a\n',
    'services/b/catalog-info.yaml': 'kind: Component\nmetadata:\n  name: b\n',
  });
  await azure.createRepo('acme', 'web', 'linked', { 'docs/index.md': '# x\n', 'docs/evil': { symlink: '../../../etc/passwd' } });
  await azure.createRepo('other', 'tools', 'tools', { 'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: tools\n' });
});
afterAll(async () => azure?.close());
afterEach(() => expect(azure.violations).toEqual([]));

describe('Azure DevOps reader against the contract server (responses checked against vsts-rest-api-specs git 7.1)', () => {
  it('reads a file with its object id as etag, then answers NotModified for that etag', async () => {
    const { reader } = integrationsFor();
    const { buffer, etag } = await reader.read(at('/catalog-info.yaml'));
    expect(buffer.toString()).toContain('name: service');
    expect(etag).toBe(await azure.git.git('acme/web/service', ['rev-parse', 'main:catalog-info.yaml']));
    await expect(reader.read(at('/catalog-info.yaml'), { etag })).rejects.toMatchObject({ name: 'NotModifiedError' });
    await azure.git.commit('acme/web/service', { 'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: service2\n' });
    const changed = await reader.read(at('/catalog-info.yaml'), { etag });
    expect(changed.buffer.toString()).toContain('service2');
  });

  it('uses each organization’s PAT (the project-named-as-repo form too)', async () => {
    const { reader } = integrationsFor();
    expect((await reader.read('https://dev.azure.com/other/_git/tools?path=/catalog-info.yaml')).buffer.toString()).toContain('tools');
    expect(azure.requests.filter((r) => r.organization === 'other').every((r) => r.authorized)).toBe(true);
  });

  it('reads a subdirectory tree from the zip download, with the commit id as etag', async () => {
    const { reader } = integrationsFor();
    const tree = await reader.readTree(at('/docs'));
    expect(tree.files.map((f) => f.path).sort()).toEqual(['guide/setup.md', 'index.md']);
    const head = await azure.git.git('acme/web/service', ['rev-parse', 'main']);
    expect(tree.etag).toBe(head);
    await expect(reader.readTree(at('/docs'), { etag: head })).rejects.toMatchObject({ name: 'NotModifiedError' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'azure-tree-'));
    try {
      await tree.writeTo(dir);
      expect(await readFile(path.join(dir, 'guide/setup.md'), 'utf8')).toBe('# Setup\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const root = await reader.readTree(at('/'), { filter: (p) => p.startsWith('services/') });
    expect(root.files.map((f) => f.path).sort()).toEqual(['services/a/catalog-info.yaml', 'services/b/catalog-info.yaml']);
  });

  it('refuses trees over the limits and trees with symlinks', async () => {
    await expect(integrationsFor({ maxTreeBytes: 10 }).reader.read(at('/catalog-info.yaml'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(integrationsFor({ maxTreeFiles: 2 }).reader.readTree(at('/'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    await expect(integrationsFor({ maxTreeBytes: 20 }).reader.readTree(at('/'))).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    const linked = 'https://dev.azure.com/acme/web/_git/linked?version=GBmain&path=';
    await expect(integrationsFor().reader.readTree(`${linked}/docs`)).rejects.toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('symbolic link') });
    await expect(integrationsFor().reader.read(`${linked}/docs/evil`)).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('searches a glob through the items listing; every result URL reads back', async () => {
    const { reader } = integrationsFor();
    const result = await reader.search!(at('/services/**/catalog-info.yaml'));
    const urls = result.files.map((f) => f.url).sort();
    expect(urls).toEqual([at('%2Fservices%2Fa%2Fcatalog-info.yaml'), at('%2Fservices%2Fb%2Fcatalog-info.yaml')]);
    expect((await result.files[0]!.content()).toString()).toMatch(/name: [ab]/);
    expect((await reader.read(urls[1]!)).buffer.toString()).toContain('name: b');
    expect((await reader.search!(at('/**/*.md'))).files).toHaveLength(2);
  });

  it('bad or missing credentials are an AuthenticationError that names no secret', async () => {
    const wrong = await integrationsFor({ credentials: [{ personalAccessToken: 'wrong-pat-999' }] }).reader.read(at('/catalog-info.yaml')).catch((e: Error) => e);
    expect(wrong).toMatchObject({ name: 'AuthenticationError' });
    expect((wrong as Error).message).not.toMatch(/wrong-pat-999|pat-acme-secret/);
    await expect(integrationsFor({ credentials: undefined }).reader.read(at('/catalog-info.yaml'))).rejects.toMatchObject({ name: 'AuthenticationError' });
  });

  it('missing repositories, branches and files are NotFoundError', async () => {
    const { reader } = integrationsFor();
    await expect(reader.read('https://dev.azure.com/acme/web/_git/nope?path=/a.yaml')).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(reader.read(at('/missing.yaml'))).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining('TF401174') });
    await expect(reader.readTree(at('/', 'no-such-branch'))).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(reader.read('https://dev.azure.com/acme/nope/_git/x?path=/a.yaml')).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('rate limiting (429 with Retry-After) is a ServiceUnavailableError saying when to retry', async () => {
    azure.rateLimit(1);
    await expect(integrationsFor().reader.read(at('/catalog-info.yaml'))).rejects.toMatchObject({ name: 'ServiceUnavailableError', message: expect.stringMatching(/rate limit.*retry after 45s/) });
  });

  it('a redirect to another host is refused before the other host is asked', async () => {
    const other = await startAzureContractServer({ organizations: { acme: { pat: pats.acme, projects: ['web'] } } });
    try {
      azure.redirectNext(`${other.baseUrl}/acme/web/_apis/git/repositories/service/items?path=/catalog-info.yaml`);
      await expect(integrationsFor().reader.read(at('/catalog-info.yaml'))).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('a folder is not a file', async () => {
    await expect(integrationsFor().reader.read(at('/docs'))).rejects.toMatchObject({ name: 'InputError' });
  });
});
