import { basicAuthorization, githubApiError, githubClientFor, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';
import { z } from 'zod';
import { createAction } from '../../createAction.js';
import { createGithubRepository } from './github-repository.js';
import { githubTarget, onIntegrationHost, publishSource } from './github-shared.js';

/**
 * Options of {@link createPublishGithubAction}.
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const options: PublishGithubActionOptions = { integrations, defaultAuthor: { name: 'Portal', email: 'portal@example.com' } };
 * ```
 */
export interface PublishGithubActionOptions {
  /** The configured hosts; `repoUrl` must name a GitHub one. */
  integrations: ScmIntegrations;
  /** Author when the template gives none (Backstage's `scaffolder.defaultAuthor`). */
  defaultAuthor?: { name: string; email: string };
  /** Commit message when the template gives none (Backstage's `scaffolder.defaultCommitMessage`). */
  defaultCommitMessage?: string;
}

const access = z.enum(['pull', 'push', 'admin', 'maintain', 'triage']).or(z.string().min(1));
const allowances = z.object({ users: z.array(z.string()).optional(), teams: z.array(z.string()).optional(), apps: z.array(z.string()).optional() });

const inputSchema = z.object({
  repoUrl: z.string().min(1).describe("Repository location: 'github.com?owner=<owner>&repo=<repo>'"),
  description: z.string().optional(),
  homepage: z.string().optional(),
  access: z.string().optional().describe("Who gets admin access: a user, or '<org>/<team-slug>'"),
  defaultBranch: z.string().regex(/^(?!-)[\w./-]+$/).default('master'),
  protectDefaultBranch: z.boolean().default(true),
  protectEnforceAdmins: z.boolean().default(true),
  requireCodeOwnerReviews: z.boolean().default(false),
  dismissStaleReviews: z.boolean().default(false),
  bypassPullRequestAllowances: allowances.optional(),
  requiredApprovingReviewCount: z.number().int().min(0).max(6).default(1),
  restrictions: z.object({ users: z.array(z.string()), teams: z.array(z.string()), apps: z.array(z.string()).optional() }).optional(),
  requiredStatusCheckContexts: z.array(z.string()).default([]),
  requireBranchesToBeUpToDate: z.boolean().default(true),
  requiredConversationResolution: z.boolean().default(false),
  requireLastPushApproval: z.boolean().default(false),
  requiredLinearHistory: z.boolean().default(false),
  repoVisibility: z.enum(['private', 'internal', 'public']).default('private'),
  deleteBranchOnMerge: z.boolean().default(false),
  gitCommitMessage: z.string().optional(),
  gitAuthorName: z.string().optional(),
  gitAuthorEmail: z.string().optional(),
  allowMergeCommit: z.boolean().default(true),
  allowSquashMerge: z.boolean().default(true),
  squashMergeCommitTitle: z.enum(['PR_TITLE', 'COMMIT_OR_PR_TITLE']).optional(),
  squashMergeCommitMessage: z.enum(['PR_BODY', 'COMMIT_MESSAGES', 'BLANK']).optional(),
  allowRebaseMerge: z.boolean().default(true),
  allowAutoMerge: z.boolean().default(false),
  sourcePath: z.string().optional().describe('Path within the workspace to publish; default the whole workspace'),
  collaborators: z
    .array(z.union([z.object({ user: z.string().min(1), access }), z.object({ team: z.string().min(1), access }), z.object({ username: z.string().min(1), access })]))
    .optional(),
  hasProjects: z.boolean().optional(),
  hasWiki: z.boolean().optional(),
  hasIssues: z.boolean().optional(),
  token: z.string().optional().describe("A user's token to use instead of the integration's credentials"),
  topics: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/i)).optional(),
});

/**
 * `publish:github` (Backstage's inputs and outputs): create the repository through GitHub's API
 * (in the organization, or for the authenticated user), push the workspace (or `sourcePath`) to
 * `defaultBranch` with git over HTTPS (`x-access-token` basic auth sent as a header, never in a
 * URL), protect the branch and set topics. Outputs `remoteUrl` (the clone URL),
 * `repoContentsUrl` (`<html url>/blob/<branch>`, which `catalog:register` reads through the
 * GitHub integration) and `commitHash`. An existing repository is a `ConflictError`; a workspace
 * containing `.git` a `NotAllowedError`; API failures typed errors (`githubApiError`).
 *
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const scaffolder = createScaffolder({ actions: [createPublishGithubAction({ integrations })] });
 * // steps: - { id: publish, action: publish:github, input: { repoUrl: 'github.com?owner=acme&repo=web', defaultBranch: main } }
 * ```
 */
export function createPublishGithubAction(options: PublishGithubActionOptions) {
  const { integrations } = options;
  return createAction({
    id: 'publish:github',
    description: 'Initializes a git repository of contents in workspace and publishes it to GitHub.',
    schema: {
      input: inputSchema,
      output: z.object({ remoteUrl: z.string(), repoContentsUrl: z.string(), commitHash: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const target = githubTarget(input.repoUrl, integrations, 'publish:github');
      const source = await publishSource(ctx, 'publish:github');
      if (input.token) ctx.redact?.(input.token);
      const { octokit, token } = await githubClientFor(target.integration, { owner: target.owner, ...(input.token ? { token: input.token } : {}) });
      const { owner, repo } = target;

      const created = await createGithubRepository(octokit, { ...input, owner, repo }, ctx.logger);
      const remoteUrl = onIntegrationHost(created.clone_url, target, 'clone URL');
      const htmlUrl = onIntegrationHost(created.html_url, target, 'repository URL').replace(/\/$/, '');

      ctx.logger.info(`Pushing ${input.defaultBranch} to ${remoteUrl}`);
      const { commitHash } = await pushDirectory({
        source,
        remoteUrl,
        branch: input.defaultBranch,
        commitMessage: input.gitCommitMessage ?? options.defaultCommitMessage ?? 'initial commit',
        author: {
          name: input.gitAuthorName ?? options.defaultAuthor?.name ?? 'Scaffolder',
          email: input.gitAuthorEmail ?? options.defaultAuthor?.email ?? 'scaffolder@backstage.io',
        },
        headers: { Authorization: basicAuthorization('x-access-token', token) },
        signal: ctx.signal,
      });

      if (input.protectDefaultBranch) {
        try {
          await octokit.rest.repos.updateBranchProtection({
            owner,
            repo,
            branch: input.defaultBranch,
            required_status_checks: { strict: input.requireBranchesToBeUpToDate, contexts: input.requiredStatusCheckContexts },
            restrictions: input.restrictions ?? null,
            enforce_admins: input.protectEnforceAdmins,
            required_pull_request_reviews: {
              required_approving_review_count: input.requiredApprovingReviewCount,
              require_code_owner_reviews: input.requireCodeOwnerReviews,
              dismiss_stale_reviews: input.dismissStaleReviews,
              require_last_push_approval: input.requireLastPushApproval,
              ...(input.bypassPullRequestAllowances ? { bypass_pull_request_allowances: input.bypassPullRequestAllowances } : {}),
            },
            required_conversation_resolution: input.requiredConversationResolution,
            required_linear_history: input.requiredLinearHistory,
          });
        } catch (error) {
          // As Backstage: a plan without branch protection must not fail the whole publish.
          ctx.logger.warn(`Skipping: default branch protection on '${repo}', ${githubApiError(error, 'protecting the default branch').message}`);
        }
      }

      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', `${htmlUrl}/blob/${input.defaultBranch}`);
      ctx.output('commitHash', commitHash);
    },
  });
}
