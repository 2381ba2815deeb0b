/*
 * publish:gitlab and publish:gitlab:merge-request end to end through the public APIs, with the
 * real Gitbeaker client against the GitLab contract server (real git repositories underneath):
 * a template whose skeleton is fetched from GitLab is published to a nested group and registered
 * by catalog:register, whose catalog reads the pushed file back through the GitLab reader.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '@portalkit/core';
import { createCatalog, memoryStore } from '@portalkit/catalog';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createScaffolder, parseTemplate, type Scaffolder } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitlabContractServer, startGitlabContractServer } from '../support/contract/gitlab/index.js';

const TOKEN = 'glpat-publish-secret-77';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

let gitlab: GitlabContractServer;
let dir: string;
let integrations: ScmIntegrations;
let scaffolder: Scaffolder;
let catalog: ReturnType<typeof createCatalog>;

const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: '${{ parameters.name }}' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' } };

const publishTemplate = (publishInput: Record<string, unknown>) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'gitlab-service' },
    spec: {
      parameters: [],
      steps: [
        { id: 'fetch', action: 'fetch:template', input: { url: `${gitlab.baseUrl}/templates/service/-/tree/main/skeleton`, values: { name: '${{ parameters.name }}' } } },
        { id: 'catalog', action: 'catalog:write', input: { entity } },
        { id: 'publish', action: 'publish:gitlab', input: { defaultBranch: 'main', gitCommitMessage: 'Create ${{ parameters.name }}', ...publishInput } },
        { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
      ],
      output: {
        remoteUrl: '${{ steps.publish.output.remoteUrl }}',
        repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}',
        commitHash: '${{ steps.publish.output.commitHash }}',
        projectId: '${{ steps.publish.output.projectId }}',
        entityRef: '${{ steps.register.output.entityRef }}',
      },
    },
  });

const mergeRequestTemplate = (input: Record<string, unknown>) =>
  parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'gitlab-mr' },
    spec: {
      parameters: [],
      steps: [
        { id: 'catalog', action: 'catalog:write', input: { entity, filePath: 'out/catalog-info.yaml' } },
        { id: 'mr', action: 'publish:gitlab:merge-request', input: { sourcePath: 'out', title: 'Add ${{ parameters.name }}', ...input } },
      ],
      output: {
        projectid: '${{ steps.mr.output.projectid }}',
        projectPath: '${{ steps.mr.output.projectPath }}',
        mergeRequestUrl: '${{ steps.mr.output.mergeRequestUrl }}',
        targetBranchName: '${{ steps.mr.output.targetBranchName }}',
      },
    },
  });

async function run(template: ReturnType<typeof parseTemplate>, name: string, using = scaffolder) {
  const task = await using.run(template, { values: { name }, user: { ref: 'user:default/jane' } });
  return task.result;
}

beforeAll(async () => {
  gitlab = await startGitlabContractServer({ token: TOKEN });
  dir = await mkdtemp(path.join(tmpdir(), 'pk-gitlab-publish-'));
  await gitlab.createProject('templates/service', { 'skeleton/README.md': '# ${{ values.name }}\n' });
  gitlab.createGroup('acme/platform');
  integrations = createIntegrations({ config: { gitlab: [{ host: gitlab.host, baseUrl: gitlab.baseUrl, token: TOKEN, allowPrivateNetwork: true }] } });
  catalog = createCatalog({ store: memoryStore(), rootDir: dir, reader: integrations.reader, logger: silent });
  scaffolder = createScaffolder({ actions: builtinActions({ catalog, integrations }), workingDirectory: path.join(dir, 'work'), logger: silent });
}, 60_000);
afterAll(async () => {
  await gitlab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('publish:gitlab', () => {
  it('creates the project in a nested group, pushes, and registers it through the GitLab reader', async () => {
    const result = await run(publishTemplate({ repoUrl: `${gitlab.host}?owner=acme/platform&repo=billing`, topics: ['payments'], repoVisibility: 'internal' }), 'billing');
    expect(result.error).toBeUndefined();
    const project = gitlab.project('acme/platform/billing')!;
    expect(project).toMatchObject({ visibility: 'internal', topics: ['payments'] });
    const commitHash = await gitlab.git.git('acme/platform/billing', ['rev-parse', 'main']);
    expect(result.output).toEqual({
      remoteUrl: `${gitlab.baseUrl}/acme/platform/billing`,
      repoContentsUrl: `${gitlab.baseUrl}/acme/platform/billing/-/blob/main`,
      commitHash,
      projectId: project.id,
      entityRef: 'component:default/billing',
    });
    expect(await gitlab.git.git('acme/platform/billing', ['show', 'main:README.md'])).toBe('# billing');
    expect(await gitlab.git.git('acme/platform/billing', ['log', '-1', '--format=%s'])).toBe('Create billing');
    const registered = await catalog.getEntityByRef('component:default/billing');
    expect(registered?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${gitlab.baseUrl}/acme/platform/billing/-/blob/main/catalog-info.yaml`);
    // The token never travelled in a URL.
    expect(gitlab.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
  });

  it('publishes to the user namespace, creates and protects branches, and skips an existing project', async () => {
    const result = await run(
      publishTemplate({ repoUrl: `${gitlab.host}?owner=bot&repo=tools`, branches: [{ name: 'develop', create: true, protect: true }] }),
      'tools',
    );
    expect(result.error).toBeUndefined();
    expect(await gitlab.git.git('bot/tools', ['rev-parse', 'develop'])).toBe(await gitlab.git.git('bot/tools', ['rev-parse', 'main']));
    expect(gitlab.project('bot/tools')?.protectedBranches).toEqual(['develop']);

    const again = await run(publishTemplate({ repoUrl: `${gitlab.host}?owner=bot&repo=tools` }), 'tools');
    expect(again.error?.message).toMatch(/has already been taken/);
    const skipped = await scaffolder.run(
      parseTemplate({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'skip' },
        spec: { steps: [{ id: 'publish', action: 'publish:gitlab', input: { repoUrl: `${gitlab.host}?owner=bot&repo=tools`, skipExisting: true } }], output: { created: '${{ steps.publish.output.created }}' } },
      }),
      { values: {} },
    );
    expect((await skipped.result).output).toEqual({ created: false });
  });

  it('fails typed: unknown namespace, bad token, a host that is not GitLab', async () => {
    const missing = await run(publishTemplate({ repoUrl: `${gitlab.host}?owner=nobody/here&repo=x` }), 'x');
    expect(missing.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('nobody/here') });

    const badToken = await run(publishTemplate({ repoUrl: `${gitlab.host}?owner=acme/platform&repo=y`, token: 'glpat-wrong-99' }), 'y');
    expect(badToken.error).toMatchObject({ name: 'AuthenticationError' });
    expect(JSON.stringify(badToken.error)).not.toContain('glpat-wrong-99');
    expect(gitlab.project('acme/platform/y')).toBeUndefined();

    const other = await run(publishTemplate({ repoUrl: 'gitlab.elsewhere.example?owner=a&repo=b' }), 'b');
    expect(other.error).toMatchObject({ name: 'InputError' });
  });

  it('refuses a GitLab host that resolves to an internal address unless the integration allows it', async () => {
    const guarded = createIntegrations({ config: { gitlab: [{ host: gitlab.host, baseUrl: gitlab.baseUrl, token: TOKEN }] } });
    const guardedScaffolder = createScaffolder({ actions: builtinActions({ catalog, integrations: guarded }), workingDirectory: path.join(dir, 'work-guarded'), logger: silent });
    const seen = gitlab.requests.length;
    const onlyPublish = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'guarded' },
      spec: { steps: [{ id: 'publish', action: 'publish:gitlab', input: { repoUrl: `${gitlab.host}?owner=acme/platform&repo=guarded` } }] },
    });
    const result = await (await guardedScaffolder.run(onlyPublish, { values: {} })).result;
    expect(result.error).toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('allowPrivateNetwork') });
    expect(gitlab.requests.length).toBe(seen);
    expect(gitlab.project('acme/platform/guarded')).toBeUndefined();
  });
});

describe('publish:gitlab:merge-request', () => {
  it('commits the files to a new branch and opens a merge request', async () => {
    await gitlab.createProject('acme/platform/legacy', { 'README.md': '# legacy', 'catalog/catalog-info.yaml': 'old: true\n' });
    const result = await run(
      mergeRequestTemplate({ repoUrl: `${gitlab.host}?owner=acme/platform&repo=legacy`, branchName: 'add-catalog', targetPath: 'catalog', description: 'Adds it', assignee: 'bot', reviewers: ['bot'], removeSourceBranch: true }),
      'legacy',
    );
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({
      projectid: 'acme/platform/legacy',
      projectPath: 'acme/platform/legacy',
      mergeRequestUrl: `${gitlab.baseUrl}/acme/platform/legacy/-/merge_requests/1`,
      targetBranchName: 'main',
    });
    // `auto` updated the existing file on the new branch; main is untouched.
    expect(await gitlab.git.git('acme/platform/legacy', ['show', 'add-catalog:catalog/catalog-info.yaml'])).toContain('name: legacy');
    expect(await gitlab.git.git('acme/platform/legacy', ['show', 'main:catalog/catalog-info.yaml'])).toBe('old: true');
    expect(gitlab.mergeRequests.at(-1)).toMatchObject({ sourceBranch: 'add-catalog', targetBranch: 'main', title: 'Add legacy', description: 'Adds it', removeSourceBranch: true, assigneeId: 1, reviewerIds: [1] });
  });

  it('commitAction delete removes the files; create on an existing file fails typed', async () => {
    const deleted = await run(mergeRequestTemplate({ repoUrl: `${gitlab.host}?owner=acme/platform&repo=legacy`, branchName: 'drop-catalog', targetPath: 'catalog', commitAction: 'delete' }), 'legacy');
    expect(deleted.error).toBeUndefined();
    await expect(gitlab.git.git('acme/platform/legacy', ['show', 'drop-catalog:catalog/catalog-info.yaml'])).rejects.toThrow();
    const conflict = await run(mergeRequestTemplate({ repoUrl: `${gitlab.host}?owner=acme/platform&repo=legacy`, branchName: 'dup', targetPath: 'catalog', commitAction: 'create' }), 'legacy');
    expect(conflict.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('already exists') });
    const escape = await run(mergeRequestTemplate({ repoUrl: `${gitlab.host}?owner=acme/platform&repo=legacy`, branchName: 'esc', targetPath: '../x' }), 'legacy');
    expect(escape.error).toMatchObject({ name: 'InputError' });
  });
});
