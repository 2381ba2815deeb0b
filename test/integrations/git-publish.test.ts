/*
 * publish:git to a git integration, end to end through the public APIs: a template whose
 * skeleton is fetched from the real git server (the fetch actions read through the
 * integrations), published over HTTP with the integration's basic-auth credentials, then
 * registered by catalog:register, whose catalog reads the pushed file through the same reader.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Logger } from '@portalkit/core';
import { createCatalog, memoryStore } from '@portalkit/catalog';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createScaffolder, parseTemplate, type Scaffolder } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.js';

const PASSWORD = 'publish-secret-31';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

let server: GitHttpServer;
let dir: string;
let integrations: ScmIntegrations;
let scaffolder: Scaffolder;
let catalog: ReturnType<typeof createCatalog>;

const template = (publishInput: Record<string, unknown>, options: { fetch?: boolean } = {}) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'git-service' },
    spec: {
      parameters: [],
      steps: [
        ...(options.fetch === false ? [] : [{ id: 'fetch', action: 'fetch:template', input: { url: `${server.baseUrl}/templates/service.git/tree/main/skeleton`, values: { name: '${{ parameters.name }}' } } }]),
        {
          id: 'catalog',
          action: 'catalog:write',
          input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: '${{ parameters.name }}' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' } } },
        },
        { id: 'publish', action: 'publish:git', input: { defaultBranch: 'main', gitCommitMessage: 'Create ${{ parameters.name }}', ...publishInput } },
        { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
      ],
      output: { remoteUrl: '${{ steps.publish.output.remoteUrl }}', repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', commitHash: '${{ steps.publish.output.commitHash }}', entityRef: '${{ steps.register.output.entityRef }}' },
    },
  });

async function run(publishInput: Record<string, unknown>, name: string) {
  const task = await scaffolder.run(template(publishInput), { values: { name }, user: { ref: 'user:default/jane' } });
  return task.result;
}

beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'bot', password: PASSWORD }, prefix: '/git' });
  dir = await mkdtemp(path.join(tmpdir(), 'pk-git-publish-'));
  await server.createRepo('templates/service', { 'skeleton/README.md': '# ${{ values.name }}\n', 'skeleton/src/index.js': "console.log('${{ values.name }}');\n" });
  integrations = createIntegrations({ config: { git: [{ host: server.host, baseUrl: server.baseUrl, username: 'bot', password: PASSWORD, allowPrivateNetwork: true }] } });
  catalog = createCatalog({ store: memoryStore(), rootDir: dir, reader: integrations.reader, logger: silent });
  scaffolder = createScaffolder({ actions: builtinActions({ catalog, integrations }), workingDirectory: path.join(dir, 'work'), logger: silent });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('publish:git to a git integration', () => {
  it('pushes the rendered skeleton over HTTP and registers it through the git reader', async () => {
    await server.createEmptyRepo('team/billing');
    const result = await run({ remoteUrl: `${server.baseUrl}/team/billing.git` }, 'billing');
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
    const commitHash = await server.git('team/billing', ['rev-parse', 'main']);
    expect(result.output).toEqual({
      remoteUrl: `${server.baseUrl}/team/billing.git`,
      repoContentsUrl: `${server.baseUrl}/team/billing.git/blob/main`,
      commitHash,
      entityRef: 'component:default/billing',
    });
    expect(await server.git('team/billing', ['show', 'main:README.md'])).toBe('# billing');
    expect(await server.git('team/billing', ['show', 'main:src/index.js'])).toBe("console.log('billing');");
    expect(await server.git('team/billing', ['log', '-1', '--format=%s'])).toBe('Create billing');
    // The catalog read the pushed catalog-info.yaml through the integration's reader.
    const entity = await catalog.getEntityByRef('component:default/billing');
    expect(entity?.spec).toMatchObject({ owner: 'team-a' });
    expect(entity?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${server.baseUrl}/team/billing.git/blob/main/catalog-info.yaml`);
    // Credentials travelled as headers: every request the server saw was authorized, none with a password in its path.
    expect(server.requests.every((r) => r.authorized && !r.path.includes(PASSWORD))).toBe(true);
  });

  it('accepts repoUrl in the scaffolder format for a git integration host', async () => {
    await server.createEmptyRepo('team/nested/ledger');
    const result = await run({ repoUrl: `${server.host}?owner=team/nested&repo=ledger` }, 'ledger');
    expect(result.error).toBeUndefined();
    expect(result.output).toMatchObject({ remoteUrl: `${server.baseUrl}/team/nested/ledger.git`, entityRef: 'component:default/ledger' });
    expect(await server.git('team/nested/ledger', ['show', 'main:catalog-info.yaml'])).toContain('name: ledger');
  });

  it('fails typed: a host that is no git integration, a missing repository, wrong credentials', async () => {
    const other = await run({ remoteUrl: 'https://git.elsewhere.example/team/app.git' }, 'other');
    expect(other.error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('git.elsewhere.example') });

    const missing = await run({ remoteUrl: `${server.baseUrl}/team/missing.git` }, 'missing');
    expect(missing.error).toMatchObject({ name: 'NotFoundError' });

    const inUrl = await run({ remoteUrl: `http://bot:${PASSWORD}@${server.host}/git/team/billing.git` }, 'creds');
    expect(inUrl.error).toMatchObject({ name: 'InputError' });
    expect(JSON.stringify(inUrl.error)).not.toContain(PASSWORD);

    await server.createEmptyRepo('team/denied');
    const wrong = createIntegrations({ config: { git: [{ host: server.host, baseUrl: server.baseUrl, username: 'bot', password: 'wrong-pass-5', allowPrivateNetwork: true }] } });
    const denied = createScaffolder({ actions: builtinActions({ catalog, integrations: wrong }), workingDirectory: path.join(dir, 'work2'), logger: silent });
    for (const fetch of [true, false]) {
      // With the fetch step, reading the skeleton meets the wrong password first; without it, the push does.
      const task = await denied.run(template({ remoteUrl: `${server.baseUrl}/team/denied.git` }, { fetch }), { values: { name: 'denied' } });
      const result = await task.result;
      expect(result.error).toMatchObject({ name: 'AuthenticationError' });
      expect(result.error?.message).toContain(fetch ? 'templates/service.git' : 'publish:git: ');
      expect(JSON.stringify(result.error)).not.toContain('wrong-pass-5');
    }
    await expect(server.git('team/denied', ['rev-parse', '--verify', 'main'])).rejects.toThrow();
  });

  it('refuses a host that resolves to an internal address unless the integration allows it', async () => {
    await server.createEmptyRepo('team/guarded');
    const guarded = createIntegrations({ config: { git: [{ host: server.host, baseUrl: server.baseUrl, username: 'bot', password: PASSWORD }] } });
    const scaffolderGuarded = createScaffolder({ actions: builtinActions({ catalog, integrations: guarded }), workingDirectory: path.join(dir, 'work3'), logger: silent });
    const seen = server.requests.length;
    const task = await scaffolderGuarded.run(template({ remoteUrl: `${server.baseUrl}/team/guarded.git` }), { values: { name: 'guarded' } });
    expect((await task.result).error).toMatchObject({ name: 'NotAllowedError' });
    expect(server.requests.length).toBe(seen);
  });
});
