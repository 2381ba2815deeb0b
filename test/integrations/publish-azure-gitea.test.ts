import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCatalog } from '@portalkit/catalog';
import { createIntegrations } from '@portalkit/integrations';
import { builtinActions, createAction, createScaffolder, loadTemplate } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureContractServer, startAzureContractServer } from '../support/contract/azure/server.js';
import { type GiteaContractServer, startGiteaContractServer } from '../support/contract/gitea/server.js';

// A template published through the scaffolder's public API to each contract server, then
// registered by catalog:register from the publish step's repoContentsUrl: the real catalog
// reads the pushed catalog-info.yaml back through the integrations' reader.

const giteaUser = { username: 'portal-bot', password: 'gitea-secret-password' };
const azurePat = 'pat-acme-secret';
let gitea: GiteaContractServer;
let azure: AzureContractServer;
let root: string;

async function writeTemplate(name: string, publish: Record<string, unknown>): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'skeleton', 'docs'), { recursive: true });
  await writeFile(path.join(dir, 'skeleton', 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/platform\n');
  await writeFile(path.join(dir, 'skeleton', 'docs', 'index.md'), '# ${{ values.name }}\n');
  const template = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name },
    spec: {
      parameters: [{ properties: { name: { type: 'string' } } }],
      steps: [
        { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
        { id: 'publish', ...publish },
        { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
      ],
      output: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', commitHash: '${{ steps.publish.output.commitHash }}', entityRef: '${{ steps.register.output.entityRef }}' },
    },
  };
  await writeFile(path.join(dir, 'template.yaml'), JSON.stringify(template));
  return path.join(dir, 'template.yaml');
}

function setup(config: Parameters<typeof createIntegrations>[0]) {
  const integrations = createIntegrations(config);
  const catalog = createCatalog({ reader: integrations.reader, allowedLocationTypes: ['url'] });
  const scaffolder = createScaffolder({ actions: builtinActions({ catalog, integrations }), workingDirectory: path.join(root, 'work') });
  return { integrations, catalog, scaffolder };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'publish-hosts-'));
  gitea = await startGiteaContractServer({ user: giteaUser, orgs: ['acme'] });
  azure = await startAzureContractServer({ organizations: { acme: { pat: azurePat, projects: ['web'] } } });
});
afterAll(async () => {
  await gitea?.close();
  await azure?.close();
  await rm(root, { recursive: true, force: true });
});

const giteaConfig = (extra: Record<string, unknown> = {}) => ({ config: { gitea: [{ host: gitea.host, baseUrl: gitea.baseUrl, ...giteaUser, allowPrivateNetwork: true, ...extra }] } });
const azureConfig = (extra: Record<string, unknown> = {}) => ({
  config: { azure: [{ host: 'dev.azure.com', apiBaseUrl: azure.baseUrl, allowPrivateNetwork: true, credentials: [{ organizations: ['acme'], personalAccessToken: azurePat }], ...extra }] },
});

describe('publish:gitea', () => {
  it('creates the repository, pushes the skeleton, and catalog:register reads it back through the reader', async () => {
    const { scaffolder, catalog, integrations } = setup(giteaConfig());
    const templatePath = await writeTemplate('gitea-svc', { action: 'publish:gitea', input: { repoUrl: `${gitea.host}?owner=acme&repo=\${{ parameters.name }}`, description: 'A service', repoVisibility: 'private' } });
    const task = await scaffolder.run(await loadTemplate(templatePath), { values: { name: 'gitea-svc' } });
    const result = await task.result;
    expect(result.error).toBeUndefined();
    const head = await gitea.git.git('acme/gitea-svc', ['rev-parse', 'main']);
    expect(result.output).toEqual({ repoContentsUrl: `${gitea.baseUrl}/acme/gitea-svc/src/branch/main/`, commitHash: head, entityRef: 'component:default/gitea-svc' });
    expect(await gitea.git.git('acme/gitea-svc', ['show', 'main:docs/index.md'])).toBe('# gitea-svc');
    expect(await catalog.getEntityByRef('component:default/gitea-svc')).toMatchObject({ metadata: { name: 'gitea-svc' } });
    const tree = await integrations.reader.readTree(`${gitea.baseUrl}/acme/gitea-svc/src/branch/main/docs`);
    expect(tree.files.map((f) => f.path)).toEqual(['index.md']);
    expect(gitea.violations).toEqual([]);
  });

  it('creates a repository of the configured user under /user/repos', async () => {
    const { scaffolder } = setup(giteaConfig());
    const templatePath = await writeTemplate('gitea-own', { action: 'publish:gitea', input: { repoUrl: `${gitea.host}?owner=${giteaUser.username}&repo=own-svc`, defaultBranch: 'trunk' } });
    const result = await (await scaffolder.run(await loadTemplate(templatePath), { values: { name: 'own-svc' } })).result;
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({ repoContentsUrl: `${gitea.baseUrl}/${giteaUser.username}/own-svc/src/branch/trunk/` });
    expect(gitea.requests.some((r) => r.method === 'POST' && r.path === '/api/v1/user/repos')).toBe(true);
  });

  it('fails with typed errors, naming no secret: bad password, unknown organization, existing repository', async () => {
    const bad = setup(giteaConfig({ password: 'wrong-password-123' }));
    const templatePath = await writeTemplate('gitea-bad', { action: 'publish:gitea', input: { repoUrl: `${gitea.host}?owner=acme&repo=\${{ parameters.name }}` } });
    const failed = await (await bad.scaffolder.run(await loadTemplate(templatePath), { values: { name: 'bad-svc' } })).result;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ name: 'AuthenticationError' });
    expect(JSON.stringify(failed)).not.toMatch(/wrong-password-123|gitea-secret-password/);

    const { scaffolder } = setup(giteaConfig());
    const noOrg = await writeTemplate('gitea-noorg', { action: 'publish:gitea', input: { repoUrl: `${gitea.host}?owner=nobody&repo=x` } });
    expect((await (await scaffolder.run(await loadTemplate(noOrg), { values: { name: 'x' } })).result).error).toMatchObject({ name: 'InputError', message: expect.stringContaining('nobody') });
    const again = await (await scaffolder.run(await loadTemplate(templatePath.replace('gitea-bad', 'gitea-svc')), { values: { name: 'gitea-svc' } })).result;
    expect(again.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('409') });
  });

  it('refuses a workspace holding .git before creating anything', async () => {
    const integrations = createIntegrations(giteaConfig());
    const writeGit = createAction({
      id: 'test:write-git',
      async handler(ctx) {
        await mkdir(path.join(ctx.workspacePath, 'sub', '.git'), { recursive: true });
        await writeFile(path.join(ctx.workspacePath, 'sub', '.git', 'config'), '[core]\n\tfsmonitor = touch /tmp/pwned\n');
      },
    });
    const scaffolder = createScaffolder({ actions: [...builtinActions({ integrations }), writeGit], workingDirectory: path.join(root, 'work') });
    const templatePath = await writeTemplate('gitea-dotgit', { action: 'publish:gitea', input: { repoUrl: `${gitea.host}?owner=acme&repo=dotgit` } });
    const template = await loadTemplate(templatePath);
    const steps = (template.spec as { steps: unknown[] }).steps;
    steps.splice(1, 0, { id: 'git', action: 'test:write-git' });
    const result = await (await scaffolder.run(template, { values: { name: 'dotgit' } })).result;
    expect(result.error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('sub/.git') });
    expect(existsSync(path.join(gitea.git.root, 'acme', 'dotgit.git'))).toBe(false);
  });
});

describe('publish:azure', () => {
  it('creates the repository, pushes, outputs Backstage outputs, and catalog:register reads it back through the reader', async () => {
    const { scaffolder, catalog, integrations } = setup(azureConfig());
    const templatePath = await writeTemplate('azure-svc', { action: 'publish:azure', input: { repoUrl: 'dev.azure.com?organization=acme&project=web&repo=${{ parameters.name }}', defaultBranch: 'main' } });
    const task = await scaffolder.run(await loadTemplate(templatePath), { values: { name: 'azure-svc' } });
    const result = await task.result;
    expect(result.error).toBeUndefined();
    const head = await azure.git.git('acme/web/azure-svc', ['rev-parse', 'main']);
    expect(result.output).toEqual({
      repoContentsUrl: 'https://dev.azure.com/acme/web/_git/azure-svc?version=GBmain&path=/',
      commitHash: head,
      entityRef: 'component:default/azure-svc',
    });
    expect(await catalog.getEntityByRef('component:default/azure-svc')).toMatchObject({ metadata: { name: 'azure-svc' } });
    const { items } = await catalog.queryLocations({ query: { type: 'url' } });
    expect(items.map((l) => l.target)).toContain('https://dev.azure.com/acme/web/_git/azure-svc?version=GBmain&path=/catalog-info.yaml');
    const tree = await integrations.reader.readTree('https://dev.azure.com/acme/web/_git/azure-svc?version=GBmain&path=/docs');
    expect(tree.files.map((f) => f.path)).toEqual(['index.md']);
    expect(azure.violations).toEqual([]);
  });

  it('defaults to master as Backstage, and uses the token input instead of the configured PAT', async () => {
    const { scaffolder } = setup(azureConfig({ credentials: undefined }));
    const templatePath = await writeTemplate('azure-token', { action: 'publish:azure', input: { repoUrl: 'dev.azure.com?organization=acme&project=web&repo=token-svc', token: azurePat } });
    const result = await (await scaffolder.run(await loadTemplate(templatePath), { values: { name: 'token-svc' } })).result;
    expect(await azure.git.git('acme/web/token-svc', ['rev-parse', '--abbrev-ref', 'master'])).toBe('master');
    // The push used the token; the portal's catalog has no credentials for the host, so it cannot
    // read what was pushed, and catalog:register says so instead of registering a location that only errs.
    expect(result.error).toMatchObject({ name: 'InputError', message: expect.stringMatching(/^catalog:register: the catalog cannot use .*token-svc.*refused the credentials \(401\)/) });
  });

  it('fails with typed errors naming no secret: no credentials, bad PAT, unknown project, missing organization', async () => {
    const run = async (config: ReturnType<typeof azureConfig>, repoUrl: string, name: string) => {
      const { scaffolder } = setup(config);
      const templatePath = await writeTemplate(name, { action: 'publish:azure', input: { repoUrl } });
      return (await scaffolder.run(await loadTemplate(templatePath), { values: { name } })).result;
    };
    expect((await run(azureConfig({ credentials: undefined }), 'dev.azure.com?organization=acme&project=web&repo=a1', 'a1')).error).toMatchObject({ name: 'InputError', message: expect.stringContaining('No credentials') });
    const bad = await run(azureConfig({ credentials: [{ personalAccessToken: 'wrong-pat-999' }] }), 'dev.azure.com?organization=acme&project=web&repo=a2', 'a2');
    expect(bad.error).toMatchObject({ name: 'AuthenticationError' });
    expect(JSON.stringify(bad)).not.toMatch(/wrong-pat-999|pat-acme-secret/);
    expect((await run(azureConfig(), 'dev.azure.com?organization=acme&project=nope&repo=a3', 'a3')).error).toMatchObject({ name: 'NotFoundError' });
    expect((await run(azureConfig(), 'dev.azure.com?project=web&repo=a4', 'a4')).error).toMatchObject({ name: 'InputError', message: expect.stringContaining('organization') });
  });

  it('refuses to push to a remote URL the host returned on another host', async () => {
    const rogue = await startAzureContractServer({ organizations: { acme: { pat: azurePat, projects: ['web'] } }, publicOrigin: 'https://evil.example.com' });
    try {
      const { scaffolder } = setup({ config: { azure: [{ host: 'dev.azure.com', apiBaseUrl: rogue.baseUrl, allowPrivateNetwork: true, credentials: [{ personalAccessToken: azurePat }] }] } });
      const templatePath = await writeTemplate('azure-rogue', { action: 'publish:azure', input: { repoUrl: 'dev.azure.com?organization=acme&project=web&repo=rogue' } });
      const result = await (await scaffolder.run(await loadTemplate(templatePath), { values: { name: 'rogue' } })).result;
      expect(result.error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('another host') });
      expect(rogue.requests.filter((r) => r.path.includes('/_git/'))).toEqual([]);
    } finally {
      await rogue.close();
    }
  });
});

describe('builtinActions', () => {
  it('includes publish:azure and publish:gitea only when such a host is configured', () => {
    const ids = (integrations?: ReturnType<typeof createIntegrations>) => builtinActions(integrations ? { integrations } : {}).map((a) => a.id);
    expect(ids()).not.toContain('publish:gitea');
    expect(ids(createIntegrations(giteaConfig()))).toContain('publish:gitea');
    expect(ids(createIntegrations(giteaConfig()))).not.toContain('publish:azure');
    expect(ids(createIntegrations(azureConfig()))).toContain('publish:azure');
  });
});
