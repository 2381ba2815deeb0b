import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { createCatalog } from '@portalkit/catalog';
import { builtinActions, createAction, createScaffolder, parseTemplate, type ScaffolderCatalog } from '@portalkit/scaffolder';
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
  routes.addAccount('acme', 'Organization');
  routes.addAccount('someone-else', 'User');
  routes.teams.push({ org: 'acme', slug: 'platform', name: 'Platform', members: ['octocat'] });
});
afterAll(async () => server?.close());
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pk-gh-publish-'));
  routes.rateLimited = false;
  server.violations.length = 0;
  server.requests.length = 0;
});

/** A step that writes the skeleton files into the workspace (what fetch:template would render). */
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

const entityYaml = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/platform\n`;


async function runPublish(input: Record<string, unknown>, options: { files?: Record<string, string>; catalog?: ScaffolderCatalog; integrations?: ScmIntegrations } = {}) {
  const scaffolder = createScaffolder({
    actions: [...builtinActions({ integrations: options.integrations ?? integrations, ...(options.catalog ? { catalog: options.catalog } : {}) }), writeFiles],
    workingDirectory: path.join(root, 'work'),
  });
  const steps: unknown[] = [
    { id: 'write', action: 'test:write', input: { files: options.files ?? { 'catalog-info.yaml': entityYaml('web'), 'src/index.js': 'console.log(1);\n' } } },
    { id: 'publish', action: 'publish:github', input },
  ];
  if (options.catalog) steps.push({ id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } });
  const template = parseTemplate({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'publish-github' },
    spec: { parameters: [], steps, output: { remoteUrl: '${{ steps.publish.output.remoteUrl }}', repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', commitHash: '${{ steps.publish.output.commitHash }}' } },
  });
  const task = await scaffolder.run(template, { values: {} });
  return task.result;
}

describe('publish:github against the GitHub contract server', () => {
  it('creates the organization repository, pushes the workspace, protects the branch, sets topics and registers the result', async () => {
    // A real catalog reading `url` locations through the GitHub integration's reader.
    const catalog = createCatalog({ reader: integrations.reader, allowedLocationTypes: ['url'] });
    const result = await runPublish(
      {
        repoUrl: `${server.host}?owner=acme&repo=web`,
        description: 'The web app',
        defaultBranch: 'main',
        repoVisibility: 'public',
        topics: ['Node', 'web'],
        access: 'acme/platform',
        requiredStatusCheckContexts: ['ci'],
        requiredApprovingReviewCount: 2,
        gitCommitMessage: 'Create web',
        gitAuthorName: 'Portal',
        gitAuthorEmail: 'portal@example.com',
      },
      { catalog },
    );
    expect(result.error, server.violations.join('\n')).toBeUndefined();
    const hash = await server.git.git('acme/web', ['rev-parse', 'main']);
    expect(result.output).toEqual({ remoteUrl: `${server.baseUrl}/acme/web.git`, repoContentsUrl: `${server.baseUrl}/acme/web/blob/main`, commitHash: hash });
    expect(await server.git.git('acme/web', ['show', 'main:catalog-info.yaml'])).toBe(entityYaml('web').trim());
    expect(await server.git.git('acme/web', ['log', '-1', '--format=%s|%an|%ae'])).toBe('Create web|Portal|portal@example.com');
    expect(server.getRepo('acme', 'web')).toMatchObject({ description: 'The web app', topics: ['node', 'web'], defaultBranch: 'main' });
    const extras = routes.extras('acme', 'web');
    expect(extras).toMatchObject({ visibility: 'public', teams: { platform: 'admin' } });
    expect(extras.protection).toMatchObject({
      required_status_checks: { strict: true, contexts: ['ci'] },
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 2, require_code_owner_reviews: false },
    });
    const locations = await catalog.getLocations();
    expect(locations.map((l) => l.target)).toEqual([`${server.baseUrl}/acme/web/blob/main/catalog-info.yaml`]);
    expect((await catalog.getEntityByRef('component:default/web'))?.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${server.baseUrl}/acme/web/blob/main/catalog-info.yaml`,
    });
    // The push went through the web origin's git endpoint with credentials (as a header: git never saw a URL with a token).
    expect(server.requests.some((r) => r.origin === 'web' && r.path === '/acme/web.git/git-receive-pack' && r.authorization)).toBe(true);
    expect(server.violations).toEqual([]);
  });

  it("creates a user repository for the credentials' user, with Backstage's defaults (master, private)", async () => {
    const result = await runPublish({ repoUrl: `${server.host}?owner=octocat&repo=tool`, protectDefaultBranch: false });
    expect(result.error).toBeUndefined();
    expect(result.output?.repoContentsUrl).toBe(`${server.baseUrl}/octocat/tool/blob/master`);
    expect(server.getRepo('octocat', 'tool')).toMatchObject({ private: true });
    expect(routes.extras('octocat', 'tool').protection).toBeUndefined();
    expect(await server.git.git('octocat/tool', ['show', 'master:src/index.js'])).toBe('console.log(1);');
    expect(server.violations).toEqual([]);
  });

  it('refuses an existing repository with a ConflictError and leaves it alone', async () => {
    await server.addRepo('acme', 'taken', { 'README.md': 'mine' });
    const before = await server.git.git('acme/taken', ['rev-parse', 'main']);
    const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=taken`, defaultBranch: 'main' });
    expect(result.error).toMatchObject({ name: 'ConflictError' });
    expect(await server.git.git('acme/taken', ['rev-parse', 'main'])).toBe(before);
    expect(server.violations).toEqual([]);
  });

  it('is an AuthenticationError with a bad token (the token never appears in the error)', async () => {
    const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=bad-token`, token: 'ghp_wrong_secret_value' });
    expect(result.error).toMatchObject({ name: 'AuthenticationError' });
    expect(JSON.stringify(result.error)).not.toContain('ghp_wrong_secret_value');
    expect(server.getRepo('acme', 'bad-token')).toBeUndefined();
    expect(server.violations).toEqual([]);
  });

  it.each([403, 429] as const)('is a ServiceUnavailableError naming the reset time when rate limited (%i)', async (status) => {
    routes.rateLimited = status;
    const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=limited-${status}` });
    expect(result.error).toMatchObject({ name: 'ServiceUnavailableError' });
    expect(result.error?.message).toMatch(/rate limit was exceeded; (it resets at \d{4}-|retry after 60 s)/);
    expect(server.violations).toEqual([]);
  });

  it.each([
    ['an unconfigured host', 'github.example.com?owner=acme&repo=x', 'InputError'],
    ['a missing owner', 'HOST?repo=x', 'InputError'],
    ['a missing repo', 'HOST?owner=acme', 'InputError'],
    ['a dot-dot owner', 'HOST?owner=..&repo=x', 'InputError'],
    ['a nested owner', 'HOST?owner=acme/evil&repo=x', 'InputError'],
    ['a repo with a slash', 'HOST?owner=acme&repo=x/../../y', 'InputError'],
    ['a repo with spaces and quotes', "HOST?owner=acme&repo=x%20'y", 'InputError'],
  ])('refuses %s', async (_, repoUrl, name) => {
    const requests = server.requests.length;
    const result = await runPublish({ repoUrl: repoUrl.replace('HOST', server.host) });
    expect(result.error).toMatchObject({ name });
    expect(server.requests.length).toBe(requests);
  });

  it("uses a user's token given as input instead of the integration's, for the API and the push", async () => {
    server.addToken('ghp_users_own_token', 'octocat');
    // The integration's own token is wrong: only the input's token can succeed.
    const wrong = createIntegrations({ config: { github: [{ host: server.host, apiBaseUrl: server.apiBaseUrl, codeloadBaseUrl: server.codeloadBaseUrl, token: 'ghp_revoked', allowPrivateNetwork: true }] } });
    expect((await runPublish({ repoUrl: `${server.host}?owner=acme&repo=user-token` }, { integrations: wrong })).error).toMatchObject({ name: 'AuthenticationError' });
    const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=user-token`, token: 'ghp_users_own_token', defaultBranch: 'main' }, { integrations: wrong });
    expect(result.error).toBeUndefined();
    expect(await server.git.git('acme/user-token', ['show', 'main:src/index.js'])).toBe('console.log(1);');
    expect(JSON.stringify(result)).not.toContain('ghp_users_own_token');
  });

  it('refuses a clone URL on another host returned by the API, so the token cannot be sent there', async () => {
    const { fullRepository } = await import('../support/contract/github/json.js');
    const remove = server.route('POST', '/orgs/{org}/repos', async (request) => {
      const { repo } = await server.addRepo('acme', String((request.body as { name: string }).name), {});
      return { status: 201, json: { ...fullRepository(repo, server.urls), clone_url: 'https://evil.example.com/acme/x.git' } };
    });
    try {
      const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=redirected`, defaultBranch: 'main' });
      expect(result.error).toMatchObject({ name: 'ServiceUnavailableError' });
      expect(result.error?.message).toMatch(/another host/);
      expect(server.requests.some((r) => r.path.includes('git-receive-pack'))).toBe(false);
    } finally {
      remove();
    }
  });

  it('refuses to create a repository for another user', async () => {
    const result = await runPublish({ repoUrl: `${server.host}?owner=someone-else&repo=x` });
    expect(result.error).toMatchObject({ name: 'NotAllowedError' });
    expect(server.getRepo('someone-else', 'x')).toBeUndefined();
  });

  it('refuses a workspace containing .git before calling the API', async () => {
    const requests = server.requests.length;
    const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=with-git` }, { files: { 'a.txt': 'a', 'sub/.git/config': '[core]\n\tfsmonitor = touch /tmp/pwned\n' } });
    expect(result.error).toMatchObject({ name: 'NotAllowedError' });
    expect(server.requests.length).toBe(requests);
  });

  it('has no GitHub actions without a GitHub integration, and both with one', () => {
    const ids = (actions: { id: string }[]) => actions.map((a) => a.id).filter((id) => id.startsWith('publish:github'));
    expect(ids(builtinActions({ integrations: createIntegrations({}) }))).toEqual([]);
    expect(ids(builtinActions({ integrations }))).toEqual(['publish:github', 'publish:github:pull-request']);
  });

  it('writes nothing outside the workspace and its temporary directories', async () => {
    const before = await readdir(os.tmpdir());
    const result = await runPublish({ repoUrl: `${server.host}?owner=acme&repo=tidy`, defaultBranch: 'main' });
    expect(result.error).toBeUndefined();
    const leftovers = (await readdir(os.tmpdir())).filter((name) => !before.includes(name) && name.startsWith('portalkit-'));
    expect(leftovers).toEqual([]);
  });
});
