import { AuthenticationError, InputError, NotAllowedError, NotFoundError, NotModifiedError, PayloadTooLargeError } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BitbucketServerContract, startBitbucketServerContract } from '../../../../test/support/contract/bitbucket-server/server.js';
import { createIntegrations } from '../integrations.js';
import { createBitbucketServerIntegration, isBitbucketServerIntegration } from './index.js';

const credentials = { token: 'http-access-token-1', username: 'bot', password: 'server-password-1' };

describe('Bitbucket Server reader against the contract server (below a base path)', () => {
  let server: BitbucketServerContract;
  let commit: string;
  let web: string;
  const integration = (extra: Record<string, unknown> = {}) =>
    createBitbucketServerIntegration({ host: server.host, apiBaseUrl: server.apiBaseUrl, token: credentials.token, allowPrivateNetwork: true, ...extra });

  beforeAll(async () => {
    server = await startBitbucketServerContract({ ...credentials, basePath: '/bitbucket' });
    web = `${server.webBaseUrl}/projects/ACME/repos/web`;
    commit = await server.createRepo('ACME', 'web', {
      'catalog-info.yaml': 'kind: Component\nmetadata: { name: web }\n',
      'docs/index.md': '# Docs\n',
      'docs/sub/page.md': '# Page\n',
      'services/a/catalog-info.yaml': 'kind: Component\nmetadata: { name: a }\n',
    });
    await server.createRepo('ACME', 'linked', { 'docs/index.md': '# x', 'docs/evil': { symlink: '../../../etc/passwd' } });
  });
  afterAll(async () => server.close());

  it('reads a file at ?at= (or the default branch) with the commit as etag', async () => {
    const reader = integration().reader;
    const url = `${web}/browse/catalog-info.yaml?at=refs%2Fheads%2Fmain`;
    const response = await reader.read(url);
    expect(response.buffer.toString()).toContain('{ name: web }');
    expect(response.etag).toBe(commit);
    await expect(reader.read(url, { etag: commit })).rejects.toBeInstanceOf(NotModifiedError);
    expect((await reader.read(`${web}/browse/docs/index.md`)).buffer.toString()).toBe('# Docs\n');
    const next = await server.git.commit('ACME/web', { 'docs/index.md': '# Docs v2\n' });
    const changed = await reader.read(`${web}/raw/docs/index.md`, { etag: commit });
    expect(changed).toMatchObject({ etag: next });
    expect(changed.buffer.toString()).toBe('# Docs v2\n');
    // A directory is not a file: known from a trailing `/`, else the host's 404 says so.
    await expect(reader.read(`${web}/browse/docs/`)).rejects.toBeInstanceOf(InputError);
    await expect(reader.read(`${web}/browse/docs`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads a subdirectory tree through the archive endpoint', async () => {
    const tree = await integration().reader.readTree(`${web}/browse/docs?at=main`);
    expect(tree.files.map((f) => f.path).sort()).toEqual(['index.md', 'sub/page.md']);
    const archive = server.requests.find((r) => r.path.endsWith('/archive'));
    expect(archive?.path).toBe('/bitbucket/rest/api/1.0/projects/ACME/repos/web/archive');
    await expect(integration().reader.readTree(`${web}/browse/docs?at=main`, { etag: tree.etag })).rejects.toBeInstanceOf(NotModifiedError);
  });

  it('refuses trees over the limits and trees with symbolic links', async () => {
    await expect(integration({ maxTreeFiles: 2 }).reader.readTree(`${web}/browse`)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(integration({ maxTreeBytes: 5 }).reader.readTree(`${web}/browse/docs`)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(integration().reader.readTree(`${server.webBaseUrl}/projects/ACME/repos/linked/browse`)).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('searches a glob and returns browse URLs the reader reads', async () => {
    const found = await integration().reader.search!(`${web}/browse/**/catalog-info.yaml?at=main`);
    expect(found.files.map((f) => f.url).sort()).toEqual([`${web}/browse/catalog-info.yaml?at=main`, `${web}/browse/services/a/catalog-info.yaml?at=main`]);
    expect((await integration().reader.read(found.files[1]!.url)).buffer.toString()).toContain('name: a');
  });

  it('authenticates with username + password, and types failures', async () => {
    const basic = createBitbucketServerIntegration({ host: server.host, apiBaseUrl: server.apiBaseUrl, username: 'bot', password: credentials.password, allowPrivateNetwork: true });
    expect((await basic.reader.read(`${web}/browse/catalog-info.yaml`)).buffer.length).toBeGreaterThan(0);
    const wrong = createBitbucketServerIntegration({ host: server.host, apiBaseUrl: server.apiBaseUrl, token: 'wrong-token-7', allowPrivateNetwork: true });
    const failure = await wrong.reader.read(`${web}/browse/catalog-info.yaml`).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).not.toContain('wrong-token-7');
    await expect(integration().reader.read(`${server.webBaseUrl}/projects/ACME/repos/missing/browse/x.yaml`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(integration().reader.read(`${web}/browse/missing.yaml`)).rejects.toBeInstanceOf(NotFoundError);
    server.injectNext({ status: 429, headers: { 'retry-after': '12', 'x-ratelimit-limit': '60' } });
    await expect(integration().reader.read(`${web}/browse/catalog-info.yaml`)).rejects.toThrow(/rate limited; retry after 12s/);
    server.injectNext({ status: 307, headers: { location: 'https://attacker.example.com/x' } });
    await expect(integration().reader.read(`${web}/browse/catalog-info.yaml`)).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('is found by createIntegrations and refuses URLs outside its base path', async () => {
    const integrations = createIntegrations({ config: { bitbucketServer: [{ host: server.host, apiBaseUrl: server.apiBaseUrl, token: credentials.token, allowPrivateNetwork: true }] } });
    expect(isBitbucketServerIntegration(integrations.byHost(server.host))).toBe(true);
    expect(integrations.reader.canRead(`${web}/browse/catalog-info.yaml`)).toBe(true);
    expect(integrations.reader.canRead(`http://${server.host}/projects/ACME/repos/web/browse/catalog-info.yaml`)).toBe(false);
    await expect(integrations.reader.read(`http://${server.host}/projects/ACME/repos/web/browse/catalog-info.yaml`)).rejects.toBeInstanceOf(InputError);
    expect(() => createBitbucketServerIntegration({ host: 'a.example.com', apiBaseUrl: 'https://b.example.com/rest/api/1.0' })).toThrow(/createBitbucketServerIntegration/);
  });
});
