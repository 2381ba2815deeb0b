import { basicAuthorization, githubApiError, githubClientFor, type ScmIntegrations } from '@portalkit/integrations';
import { z } from 'zod';
import { createAction } from '../../createAction.js';
import { commitOntoBranch } from './github-branch-commit.js';
import { githubTarget, onIntegrationHost, publishSource } from './github-shared.js';

/**
 * Options of {@link createPublishGithubPullRequestAction}.
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const options: PublishGithubPullRequestActionOptions = { integrations };
 * ```
 */
export interface PublishGithubPullRequestActionOptions {
  integrations: ScmIntegrations;
  /** Author of the commit when the template gives none. */
  defaultAuthor?: { name: string; email: string };
}

const branchName = z.string().regex(/^(?!-)(?!.*\.\.)[\w./-]+$/, 'a branch name');

const inputSchema = z.object({
  repoUrl: z.string().min(1).describe("Repository location: 'github.com?owner=<owner>&repo=<repo>'"),
  branchName: branchName.describe('The name for the branch'),
  targetBranchName: branchName.optional().describe("The target branch of the pull request; default the repository's default branch"),
  title: z.string().min(1).describe('The name for the pull request'),
  description: z.string().describe('The description of the pull request'),
  draft: z.boolean().optional(),
  sourcePath: z.string().optional().describe('Subdirectory of the workspace to copy changes from'),
  targetPath: z.string().optional().describe('Subdirectory of the repository to apply changes to'),
  token: z.string().optional().describe('The token to use for authorization to GitHub'),
  reviewers: z.array(z.string()).optional(),
  teamReviewers: z.array(z.string()).optional(),
  commitMessage: z.string().optional().describe('The commit message; default the title'),
  gitAuthorName: z.string().optional(),
  gitAuthorEmail: z.string().optional(),
  update: z.boolean().optional().describe('Update the branch and pull request if they already exist'),
});

/**
 * `publish:github:pull-request` (Backstage's inputs and outputs, without `forceFork`): commit the
 * workspace files onto the target branch's tree (added or replaced; nothing deleted), push them
 * as `branchName` and open a pull request through the API (with `update`, replace the branch and
 * update an open pull request of it). Outputs `remoteUrl` (the pull request's page),
 * `pullRequestNumber` and `targetBranchName`.
 *
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const action = createPublishGithubPullRequestAction({ integrations });
 * // input: { repoUrl: 'github.com?owner=acme&repo=web', branchName: 'add-docs', title: 'Add docs', description: '...' }
 * ```
 */
export function createPublishGithubPullRequestAction(options: PublishGithubPullRequestActionOptions) {
  const { integrations } = options;
  return createAction({
    id: 'publish:github:pull-request',
    description: 'Creates a pull request on GitHub with the files of the workspace.',
    schema: {
      input: inputSchema,
      output: z.object({ remoteUrl: z.string(), pullRequestNumber: z.number(), targetBranchName: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const target = githubTarget(input.repoUrl, integrations, 'publish:github:pull-request');
      const { owner, repo } = target;
      const source = await publishSource(ctx, 'publish:github:pull-request');
      if (input.token) ctx.redact?.(input.token);
      const { octokit, token } = await githubClientFor(target.integration, { owner, ...(input.token ? { token: input.token } : {}) });
      const call = <T>(promise: Promise<T>, doing: string) => promise.catch((error: unknown) => Promise.reject(githubApiError(error, doing)));

      const repository = (await call(octokit.rest.repos.get({ owner, repo }), `reading ${owner}/${repo}`)).data;
      const base = input.targetBranchName ?? repository.default_branch;
      await commitOntoBranch({
        source,
        targetPath: input.targetPath,
        remoteUrl: onIntegrationHost(repository.clone_url, target, 'clone URL'),
        authorization: basicAuthorization('x-access-token', token),
        base,
        branch: input.branchName,
        update: input.update === true,
        commitMessage: input.commitMessage ?? input.title,
        author: {
          name: input.gitAuthorName ?? options.defaultAuthor?.name ?? 'Scaffolder',
          email: input.gitAuthorEmail ?? options.defaultAuthor?.email ?? 'scaffolder@backstage.io',
        },
        signal: ctx.signal,
      });

      const open = input.update
        ? (await call(octokit.rest.pulls.list({ owner, repo, head: `${owner}:${input.branchName}`, state: 'open' }), 'listing pull requests')).data[0]
        : undefined;
      const pull = open
        ? (await call(octokit.rest.pulls.update({ owner, repo, pull_number: open.number, title: input.title, body: input.description }), 'updating the pull request')).data
        : (await call(octokit.rest.pulls.create({ owner, repo, title: input.title, body: input.description, head: input.branchName, base, ...(input.draft !== undefined ? { draft: input.draft } : {}) }), 'creating the pull request')).data;

      if (input.reviewers?.length || input.teamReviewers?.length) {
        try {
          await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: pull.number, reviewers: input.reviewers ?? [], team_reviewers: [...new Set(input.teamReviewers ?? [])] });
        } catch (error) {
          ctx.logger.error(`Failure when adding reviewers to pull request ${pull.number}: ${githubApiError(error, 'requesting reviewers').message}`);
        }
      }
      ctx.output('targetBranchName', pull.base.ref);
      ctx.output('remoteUrl', onIntegrationHost(pull.html_url, target, 'pull request URL'));
      ctx.output('pullRequestNumber', pull.number);
    },
  });
}
