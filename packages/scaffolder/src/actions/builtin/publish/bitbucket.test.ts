import yaml from 'js-yaml';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BitbucketCloudContract, startBitbucketCloudContract } from '../../../../../../test/support/contract/bitbucket-cloud/server.js';
import { type BitbucketServerContract, startBitbucketServerContract } from '../../../../../../test/support/contract/bitbucket-server/server.js';
import { builtinActions, createScaffolder, parseTemplate } from '../../../index.js';
import type { CatalogEntityLike, ScaffolderCatalog } from '../../../types.js';
import { tempDir } from '../../../test-support.js';

/** A catalog that reads locations through the integrations' reader, as the real one does; `read` lists those registered (not dry runs). */
function readingCatalog(integrations: ScmIntegrations): ScaffolderCatalog & { read: string[] } {
  const read: string[] = [];
  return {
    read,
    async addLocation(location, options) {
      const { buffer } = await integrations.reader.read(location.target);
      if (!options?.dryRun) read.push(location.target);
      return { location, entities: yaml.loadAll(buffer.toString()) as CatalogEntityLike[] };
    },
    async getEntityByRef() {
      return undefined;
    },
  };
}

const template = (publish: { action: string; input: Record<string, unknown> }) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'bitbucket' },
    spec: {
      parameters: [],
      steps: [
        {
          id: 'write',
          action: 'catalog:write',
          input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc' }, spec: { type: 'service', owner: 'team', lifecycle: 'experimental' } } },
        },
        { id: 'publish', ...publish },
        { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
      ],
      output: { remoteUrl: '${{ steps.publish.output.remoteUrl }}', repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', commitHash: '${{ steps.publish.output.commitHash }}', entityRef: '${{ steps.register.output.entityRef }}' },
    },
  });

describe('publish:bitbucketCloud and publish:bitbucketServer through the scaffolder', () => {
  let cloud: BitbucketCloudContract;
  let server: BitbucketServerContract;
  let integrations: ScmIntegrations;
  beforeAll(async () => {
    cloud = await startBitbucketCloudContract({ username: 'bot', appPassword: 'app-password-1', token: 'cloud-token-1' });
    server = await startBitbucketServerContract({ token: 'server-token-1', username: 'bot', password: 'server-password-1', basePath: '/bitbucket' });
    integrations = createIntegrations({
      config: {
        bitbucketCloud: [{ username: 'bot', appPassword: 'app-password-1', apiBaseUrl: cloud.apiBaseUrl, allowPrivateNetwork: true }],
        bitbucketServer: [{ host: server.host, apiBaseUrl: server.apiBaseUrl, token: 'server-token-1', allowPrivateNetwork: true }],
      },
    });
  });
  afterAll(async () => {
    await cloud.close();
    await server.close();
  });

  const run = async (publish: { action: string; input: Record<string, unknown> }) => {
    const catalog = readingCatalog(integrations);
    const actions = builtinActions({ catalog, integrations });
    const scaffolder = createScaffolder({ actions, workingDirectory: await tempDir() });
    const task = await scaffolder.run(template(publish), { values: {}, user: { ref: 'user:default/jane' } });
    return { result: await task.result, catalog, actions };
  };

  it('registers both actions only when such hosts are configured', () => {
    const ids = (options: Parameters<typeof builtinActions>[0]) => builtinActions(options).map((a) => a.id);
    expect(ids({ integrations })).toEqual(expect.arrayContaining(['publish:bitbucketCloud', 'publish:bitbucketServer']));
    expect(ids({})).not.toContain('publish:bitbucketCloud');
    expect(ids({ integrations: createIntegrations({ config: { bitbucketServer: [{ host: 'git.example.com' }] } }) })).not.toContain('publish:bitbucketCloud');
  });

  it('publishes to Bitbucket Cloud and registers the result through the reader', async () => {
    const { result, catalog } = await run({
      action: 'publish:bitbucketCloud',
      input: { repoUrl: 'bitbucket.org?workspace=acme&project=PLAT&repo=svc', defaultBranch: 'main', description: 'A service', gitCommitMessage: 'Create svc' },
    });
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({
      remoteUrl: `${cloud.origin}/acme/svc.git`,
      repoContentsUrl: 'https://bitbucket.org/acme/svc/src/main',
      entityRef: 'component:default/svc',
    });
    const pushed = await cloud.git.git('acme/svc', ['rev-parse', 'main']);
    expect(result.output?.commitHash).toBe(pushed);
    expect(await cloud.git.git('acme/svc', ['log', '-1', '--format=%s|%an', 'main'])).toBe('Create svc|Scaffolder');
    expect(catalog.read).toEqual(['https://bitbucket.org/acme/svc/src/main/catalog-info.yaml']);
    // The push carried the app password as a header; the contract server saw it authorized.
    expect(cloud.requests.filter((r) => r.path.startsWith('/acme/svc.git/')).every((r) => r.authorized)).toBe(true);
  });

  it('publishes to Bitbucket Server (below a base path), enables LFS and registers the result', async () => {
    const { result, catalog } = await run({
      action: 'publish:bitbucketServer',
      input: { repoUrl: `${server.host}?project=PLAT&repo=svc`, defaultBranch: 'main', enableLFS: true, sourcePath: '.' },
    });
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({
      remoteUrl: `${server.webBaseUrl}/scm/plat/svc.git`,
      repoContentsUrl: `${server.webBaseUrl}/projects/PLAT/repos/svc/browse`,
      entityRef: 'component:default/svc',
    });
    expect(result.output?.commitHash).toBe(await server.git.git('PLAT/svc', ['rev-parse', 'main']));
    expect(catalog.read).toEqual([`${server.webBaseUrl}/projects/PLAT/repos/svc/browse/catalog-info.yaml`]);
    expect(server.lfsEnabled.has('PLAT/svc')).toBe(true);
  });

  it('fails with typed errors: existing repository, bad token, missing project, unconfigured host', async () => {
    const again = await run({ action: 'publish:bitbucketServer', input: { repoUrl: `${server.host}?project=PLAT&repo=svc` } });
    expect(again.result.error).toMatchObject({ name: 'ConflictError' });
    const badToken = await run({ action: 'publish:bitbucketCloud', input: { repoUrl: 'bitbucket.org?workspace=acme&project=PLAT&repo=other', token: 'not-the-token-5' } });
    expect(badToken.result.error).toMatchObject({ name: 'AuthenticationError' });
    expect(JSON.stringify(badToken.result.error)).not.toContain('not-the-token-5');
    const noProject = await run({ action: 'publish:bitbucketServer', input: { repoUrl: `${server.host}?repo=x` } });
    expect(noProject.result.error).toMatchObject({ name: 'InputError' });
    const otherHost = await run({ action: 'publish:bitbucketCloud', input: { repoUrl: 'github.com?workspace=a&project=b&repo=c' } });
    expect(otherHost.result.error).toMatchObject({ name: 'InputError' });
  });

  it('refuses to push to a clone link on another origin', async () => {
    server.injectNext({
      status: 201,
      body: { slug: 'evil', name: 'evil', project: { key: 'PLAT' }, links: { self: [{ href: `${server.webBaseUrl}/projects/PLAT/repos/evil/browse` }], clone: [{ name: 'http', href: 'http://attacker.example.com/x.git' }] } },
    });
    const { result } = await run({ action: 'publish:bitbucketServer', input: { repoUrl: `${server.host}?project=PLAT&repo=evil` } });
    expect(result.error).toMatchObject({ name: 'NotAllowedError' });
  });
});
