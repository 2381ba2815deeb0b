import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ScmIntegrations } from '@portalkit/integrations';
import { builtinActions, createAction, createScaffolder, parseTemplate } from '@portalkit/scaffolder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PublishRoutes } from '../support/contract/github/publish-routes.js';
import type { GithubContractServer } from '../support/contract/github/server.js';
import { startPublishGithub } from './setup.js';

let server: GithubContractServer;
let routes: PublishRoutes;
let integrations: ScmIntegrations;
let root: string;

beforeAll(async () => {
  ({ server, routes, integrations } = await startPublishGithub());
  await server.addRepo('acme', 'web', { 'README.md': '# web\n', 'docs/index.md': 'old docs\n', 'keep.txt': 'kept\n' });
});
afterAll(async () => server?.close());
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pk-gh-pr-'));
  server.violations.length = 0;
});

const writeFiles = createAction<{ files: Record<string, string> }>({
  id: 'test:write',
  schema: { input: { type: 'object', properties: { files: { type: 'object' } } } },
  async handler(ctx) {
    for (const [file, content] of Object.entries(ctx.input.files)) {
      await mkdir(path.dirname(path.join(ctx.workspacePath, file)), { recursive: true });
      await writeFile(path.join(ctx.workspacePath, file), content);
    }
  },
});

async function runPullRequest(input: Record<string, unknown>, files: Record<string, string>) {
  const scaffolder = createScaffolder({ actions: [...builtinActions({ integrations }), writeFiles], workingDirectory: path.join(root, 'work') });
  const template = parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'pr' },
    spec: {
      parameters: [],
      steps: [
        { id: 'write', action: 'test:write', input: { files } },
        { id: 'pr', action: 'publish:github:pull-request', input },
      ],
      output: { remoteUrl: '${{ steps.pr.output.remoteUrl }}', pullRequestNumber: '${{ steps.pr.output.pullRequestNumber }}', targetBranchName: '${{ steps.pr.output.targetBranchName }}' },
    },
  });
  return (await scaffolder.run(template, { values: {} })).result;
}

describe('publish:github:pull-request against the GitHub contract server', () => {
  it("commits the workspace onto the default branch's tree, pushes the branch and opens the pull request with reviewers", async () => {
    const result = await runPullRequest(
      { repoUrl: `${server.host}?owner=acme&repo=web`, branchName: 'add-docs', title: 'Add docs', description: 'Adds docs', targetPath: 'docs', reviewers: ['octocat'], teamReviewers: ['platform', 'platform'], draft: true },
      { 'index.md': 'new docs\n', 'guide/start.md': 'start\n' },
    );
    expect(result.error, server.violations.join('\n')).toBeUndefined();
    const pull = routes.pulls.find((p) => p.head === 'add-docs')!;
    expect(result.output).toEqual({ remoteUrl: `${server.baseUrl}/acme/web/pull/${pull.number}`, pullRequestNumber: pull.number, targetBranchName: 'main' });
    expect(pull).toMatchObject({ title: 'Add docs', body: 'Adds docs', base: 'main', draft: true, reviewers: ['octocat'], teamReviewers: ['platform'] });
    const files = (await server.git.git('acme/web', ['ls-tree', '-r', '--name-only', 'add-docs'])).split('\n').sort();
    expect(files).toEqual(['README.md', 'docs/guide/start.md', 'docs/index.md', 'keep.txt']);
    expect(await server.git.git('acme/web', ['show', 'add-docs:docs/index.md'])).toBe('new docs');
    expect(await server.git.git('acme/web', ['rev-parse', 'add-docs^'])).toBe(await server.git.git('acme/web', ['rev-parse', 'main']));
    expect(await server.git.git('acme/web', ['log', '-1', '--format=%s', 'add-docs'])).toBe('Add docs');
    expect(server.violations).toEqual([]);
  });

  it('refuses an existing branch unless update is set, then replaces the branch and updates the open pull request', async () => {
    const input = { repoUrl: `${server.host}?owner=acme&repo=web`, branchName: 'bump', title: 'Bump', description: 'v1', commitMessage: 'bump it' };
    expect((await runPullRequest(input, { 'VERSION': '1\n' })).error).toBeUndefined();
    const again = await runPullRequest({ ...input, description: 'v2' }, { 'VERSION': '2\n' });
    expect(again.error).toMatchObject({ name: 'ConflictError' });
    expect(await server.git.git('acme/web', ['show', 'bump:VERSION'])).toBe('1');

    const updated = await runPullRequest({ ...input, description: 'v2', update: true }, { 'VERSION': '2\n' });
    expect(updated.error).toBeUndefined();
    expect(await server.git.git('acme/web', ['show', 'bump:VERSION'])).toBe('2');
    const pulls = routes.pulls.filter((p) => p.head === 'bump');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ body: 'v2' });
    expect(updated.output?.pullRequestNumber).toBe(pulls[0]!.number);
    expect(server.violations).toEqual([]);
  });

  it.each([
    ['a target branch that does not exist', { targetBranchName: 'nope' }, 'InputError'],
    ['a repository that does not exist', { repoUrl: 'HOST?owner=acme&repo=missing' }, 'NotFoundError'],
    ['a branch name git would read as an option', { branchName: '--upload-pack=x' }, 'InputError'],
    ['a target path leaving the repository', { targetPath: '../../etc' }, 'NotAllowedError'],
    ['a bad token', { token: 'ghp_nope' }, 'AuthenticationError'],
  ])('refuses %s with a typed error', async (_, override, name) => {
    const input = { repoUrl: `${server.host}?owner=acme&repo=web`, branchName: 'x', title: 'X', description: 'x', ...override };
    input.repoUrl = input.repoUrl.replace('HOST', server.host);
    const result = await runPullRequest(input, { 'x.txt': 'x' });
    expect(result.error).toMatchObject({ name });
    expect(await server.git.git('acme/web', ['for-each-ref', '--format=%(refname)', 'refs/heads/x'])).toBe('');
  });

  it('refuses a change that changes nothing', async () => {
    const result = await runPullRequest({ repoUrl: `${server.host}?owner=acme&repo=web`, branchName: 'noop', title: 'Noop', description: 'nothing' }, { 'keep.txt': 'kept\n' });
    expect(result.error).toMatchObject({ name: 'InputError' });
    expect(result.error?.message).toContain('no changes');
  });
});
