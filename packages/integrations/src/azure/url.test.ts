import { describe, expect, it } from 'vitest';
import { createAzureIntegration } from './index.js';

const azure = createAzureIntegration({ host: 'dev.azure.com' });
const vs = createAzureIntegration({ host: 'acme.visualstudio.com' });
const server = createAzureIntegration({ host: 'tfs.example.com' });
const repoUrl = 'https://dev.azure.com/acme/web/_git/service';

describe('Azure DevOps URL grammar (Backstage AzureUrl)', () => {
  it.each([
    [`${repoUrl}?path=/catalog-info.yaml&version=GBmain`, { organization: 'acme', project: 'web', repo: 'service', ref: 'main', path: 'catalog-info.yaml', kind: 'blob' }],
    [`${repoUrl}?path=%2Fdocs%2Findex.md`, { organization: 'acme', project: 'web', repo: 'service', ref: undefined, path: 'docs/index.md', kind: 'blob' }],
    [`${repoUrl}?path=/docs/&version=GBfeature/x`, { organization: 'acme', project: 'web', repo: 'service', ref: 'feature/x', path: 'docs', kind: 'tree' }],
    [`${repoUrl}?version=GBmain&path=/`, { organization: 'acme', project: 'web', repo: 'service', ref: 'main', path: '', kind: 'tree' }],
    [repoUrl, { organization: 'acme', project: 'web', repo: 'service', ref: undefined, path: '', kind: 'repo' }],
    ['https://dev.azure.com/acme/_git/web?path=/a.yaml', { organization: 'acme', project: 'web', repo: 'web', ref: undefined, path: 'a.yaml', kind: 'blob' }],
    ['https://dev.azure.com/acme/My%20Project/_git/service?path=/a.yaml', { organization: 'acme', project: 'My Project', repo: 'service', path: 'a.yaml' }],
  ])('parses %s', (url, expected) => {
    expect(azure.parseUrl(url)).toMatchObject({ type: 'azure', host: 'dev.azure.com', owner: `${expected.organization}/${expected.project}`, ...expected });
  });

  it('parses <org>.visualstudio.com and server collections', () => {
    expect(vs.parseUrl('https://acme.visualstudio.com/web/_git/service?path=/a.yaml&version=GBmain')).toMatchObject({ organization: 'acme', project: 'web', repo: 'service', ref: 'main', path: 'a.yaml' });
    expect(server.parseUrl('https://tfs.example.com/tfs/DefaultCollection/web/_git/service?path=/a.yaml')).toMatchObject({ organization: 'tfs/DefaultCollection', project: 'web', repo: 'service' });
  });

  it.each([
    ['another host', 'https://evil.example.com/acme/web/_git/service?path=/a.yaml'],
    ['http', 'http://dev.azure.com/acme/web/_git/service?path=/a.yaml'],
    ['credentials in the URL', 'https://me:pat@dev.azure.com/acme/web/_git/service?path=/a.yaml'],
    ['.. in the path', `${repoUrl}?path=/docs/../../etc/passwd`],
    ['a backslash in the path', `${repoUrl}?path=/docs\\..\\x`],
    ['a NUL in the path', `${repoUrl}?path=/a%00b`],
    ['a tag version (Backstage: branches only)', `${repoUrl}?path=/a.yaml&version=GTv1`],
    ['a commit version', `${repoUrl}?path=/a.yaml&version=GC0123`],
    ['no _git', 'https://dev.azure.com/acme/web/service?path=/a.yaml'],
    ['an encoded slash in the project', 'https://dev.azure.com/acme/we%2Fb/_git/service'],
    ['trailing segments after the repository', `${repoUrl}/extra?path=/a.yaml`],
  ])('refuses %s', (_name, url) => {
    expect(azure.parseUrl(url)).toBeUndefined();
    expect(azure.reader.canRead(url)).toBe(false);
  });

  it('reads of a non-branch version say so (as Backstage)', async () => {
    await expect(azure.reader.read(`${repoUrl}?path=/a.yaml&version=GTv1`)).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('git branch') });
  });

  it.each([
    ['./b.yaml', `${repoUrl}?path=/docs/a.md&version=GBmain`, `${repoUrl}?path=%2Fdocs%2Fb.yaml&version=GBmain`],
    ['../README.md', `${repoUrl}?path=/docs/a.md`, `${repoUrl}?path=%2FREADME.md`],
    ['/catalog-info.yaml', `${repoUrl}?path=/docs/a.md`, `${repoUrl}?path=%2Fcatalog-info.yaml`],
    ['catalog-info.yaml', `${repoUrl}?version=GBmain&path=/`, `${repoUrl}?version=GBmain&path=%2Fcatalog-info.yaml`],
    ['https://example.com/x', `${repoUrl}?path=/a.md`, 'https://example.com/x'],
  ])('resolves %s against %s', (url, base, expected) => {
    expect(azure.resolveUrl({ url, base })).toBe(expected);
  });

  it('adds line parameters as Backstage, refuses leaving the repository, and has no edit URL', () => {
    expect(azure.resolveUrl({ url: 'b.md', base: `${repoUrl}?path=/a.md`, lineNumber: 4 })).toBe(`${repoUrl}?path=%2Fb.md&line=4&lineEnd=5&lineStartColumn=1&lineEndColumn=1`);
    expect(() => azure.resolveUrl({ url: '../../x', base: `${repoUrl}?path=/docs/a.md` })).toThrow(/outside the repository/);
    expect(azure.resolveEditUrl(`${repoUrl}?path=/a.md`)).toBe(`${repoUrl}?path=/a.md`);
  });

  it('picks the PAT per organization, then the default, and refuses two defaults', () => {
    const configured = createAzureIntegration({
      host: 'dev.azure.com',
      credentials: [{ organizations: ['acme', 'Other'], personalAccessToken: 'pat-acme' }, { personalAccessToken: 'pat-default' }],
    });
    expect(configured.tokenFor('ACME')).toBe('pat-acme');
    expect(configured.tokenFor('other')).toBe('pat-acme');
    expect(configured.tokenFor('third')).toBe('pat-default');
    expect(() => createAzureIntegration({ credentials: [{ personalAccessToken: 'a' }, { personalAccessToken: 'b' }] })).toThrow(/more than one credential/);
  });

  it('git remotes stay on the host: another host in a returned remoteUrl is refused', () => {
    const local = createAzureIntegration({ host: 'dev.azure.com', apiBaseUrl: 'http://127.0.0.1:9999' });
    expect(local.gitRemote('https://acme@dev.azure.com/acme/web/_git/service')).toBe('http://127.0.0.1:9999/acme/web/_git/service');
    expect(() => local.gitRemote('https://evil.example.com/acme/web/_git/service')).toThrow(/another host/);
  });
});
