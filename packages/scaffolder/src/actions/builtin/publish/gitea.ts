import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { isGiteaIntegration, parseRepoUrl, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';
import { createAction } from '../../createAction.js';
import { publishSource } from './publishSource.js';

interface Input {
  repoUrl: string;
  description?: string;
  defaultBranch: string;
  repoVisibility: 'private' | 'public';
  gitCommitMessage: string;
  gitAuthorName: string;
  gitAuthorEmail: string;
  sourcePath?: string;
}

/**
 * `publish:gitea` (Backstage's inputs and outputs): create `<owner>/<repo>` on a configured
 * Gitea host through its API (under the organization `owner`, or as the configured user's own
 * repository when `owner` is that user), then commit the workspace (or `sourcePath`) and push
 * `defaultBranch` over HTTP with the integration's credentials. Outputs `remoteUrl`,
 * `repoContentsUrl` (`<base>/<owner>/<repo>/src/branch/<defaultBranch>/`, which `catalog:register`
 * completes with `catalogInfoPath`) and `commitHash`.
 * @example
 * ```yaml
 * - id: publish
 *   action: publish:gitea
 *   input: { repoUrl: 'gitea.example.com?owner=acme&repo=my-service', description: My service }
 * ```
 */
export function createPublishGiteaAction(options: { integrations: ScmIntegrations }) {
  return createAction<Input>({
    id: 'publish:gitea',
    description: 'Initializes a git repository using the content of the workspace, and publishes it to Gitea.',
    schema: {
      input: z.object({
        repoUrl: z.string().describe('Repository Location'),
        description: z.string().optional().describe('Repository Description'),
        defaultBranch: z.string().regex(/^[\w./-]+$/).default('main').describe("Sets the default branch on the repository. The default value is 'main'"),
        repoVisibility: z.enum(['private', 'public']).default('public').describe('Sets the visibility of the repository. The default value is public'),
        gitCommitMessage: z.string().default('initial commit').describe("Sets the commit message on the repository. The default value is 'initial commit'"),
        gitAuthorName: z.string().default('Scaffolder').describe("Sets the default author name for the commit. The default value is 'Scaffolder'"),
        gitAuthorEmail: z.string().default('scaffolder@backstage.io').describe('Sets the default author email for the commit.'),
        sourcePath: z.string().optional().describe('Path within the workspace that will be used as the repository root. If omitted, the entire workspace will be published as the repository.'),
      }),
      output: z.object({ remoteUrl: z.string(), repoContentsUrl: z.string(), commitHash: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const { host, owner, repo } = parseRepoUrl(input.repoUrl, options.integrations);
      const integration = options.integrations.byHost(host);
      if (!isGiteaIntegration(integration)) throw new InputError(`No matching Gitea integration configuration for host ${host}, please check your integrations config`);
      if (!integration.username || Object.keys(integration.gitHeaders()).length === 0) throw new InputError('Credentials for Gitea integration required for this action.');
      const source = await publishSource(ctx, input.sourcePath, 'publish:gitea');
      const ownerName = owner as string;

      const asUser = ownerName.toLowerCase() === integration.username.toLowerCase();
      if (!asUser && !(await integration.client.organization(ownerName))) throw new InputError(`Organization ${ownerName} does not exist on ${host}; create it first`);
      ctx.logger.info(`Creating repository ${ownerName}/${repo} on ${host}`);
      await integration.client.createRepository(asUser ? undefined : ownerName, {
        name: repo,
        ...(input.description ? { description: input.description } : {}),
        private: input.repoVisibility === 'private',
        default_branch: input.defaultBranch,
      });

      // The remote comes from configuration, never from the host's answer.
      const remoteUrl = `${integration.baseUrl}/${encodeURIComponent(ownerName)}/${encodeURIComponent(repo)}.git`;
      ctx.logger.info(`Pushing ${input.defaultBranch} to ${remoteUrl}`);
      const { commitHash } = await pushDirectory({
        source,
        remoteUrl,
        branch: input.defaultBranch,
        commitMessage: input.gitCommitMessage,
        author: { name: input.gitAuthorName, email: input.gitAuthorEmail },
        headers: integration.gitHeaders(),
        signal: ctx.signal,
      });
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', `${integration.baseUrl}/${encodeURIComponent(ownerName)}/${encodeURIComponent(repo)}/src/branch/${encodeURIComponent(input.defaultBranch)}/`);
      ctx.output('commitHash', commitHash);
    },
  });
}
