import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { isAzureIntegration, parseRepoUrl, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';
import { createAction } from '../../createAction.js';
import { publishSource } from './publishSource.js';

interface Input {
  repoUrl: string;
  description?: string;
  defaultBranch: string;
  gitCommitMessage: string;
  gitAuthorName: string;
  gitAuthorEmail: string;
  sourcePath?: string;
  token?: string;
}

/**
 * `publish:azure` (Backstage's inputs and outputs): create the repository in
 * `organization`/`project` of a configured Azure DevOps host through the Git REST API, then
 * commit the workspace (or `sourcePath`) and push `defaultBranch` (default `master`, as
 * Backstage) with the organization's personal access token (or `token`). The remote is the
 * one the API returned, refused unless it is on the integration's host. Outputs `remoteUrl`,
 * `repositoryId`, `commitHash` and `repoContentsUrl`: the repository's web URL with
 * `?version=GB<branch>&path=/`, so `catalog:register` appending `catalogInfoPath` gives a
 * readable file URL.
 * @example
 * ```yaml
 * - id: publish
 *   action: publish:azure
 *   input: { repoUrl: 'dev.azure.com?organization=acme&project=web&repo=my-service' }
 * ```
 */
export function createPublishAzureAction(options: { integrations: ScmIntegrations }) {
  return createAction<Input>({
    id: 'publish:azure',
    description: 'Initializes a git repository of the content in the workspace, and publishes it to Azure.',
    schema: {
      input: z.object({
        repoUrl: z.string().describe('Repository Location'),
        description: z.string().optional().describe('Repository Description'),
        defaultBranch: z.string().regex(/^[\w./-]+$/).default('master').describe("Sets the default branch on the repository. The default value is 'master'"),
        gitCommitMessage: z.string().default('initial commit').describe("Sets the commit message on the repository. The default value is 'initial commit'"),
        gitAuthorName: z.string().default('Scaffolder').describe("Sets the default author name for the commit. The default value is 'Scaffolder'"),
        gitAuthorEmail: z.string().default('scaffolder@backstage.io').describe('Sets the default author email for the commit.'),
        sourcePath: z.string().optional().describe('Path within the workspace that will be used as the repository root. If omitted, the entire workspace will be published as the repository.'),
        token: z.string().optional().describe('The token to use for authorization to Azure'),
      }),
      output: z.object({ remoteUrl: z.string(), repoContentsUrl: z.string(), repositoryId: z.string(), commitHash: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const { host, organization, project, repo } = parseRepoUrl(input.repoUrl, options.integrations);
      if (!organization) throw new InputError(`Invalid URL provider was included in the repo URL to create ${input.repoUrl}, missing organization`);
      const integration = options.integrations.byHost(host);
      if (!isAzureIntegration(integration)) throw new InputError(`No matching Azure integration configuration for host ${host}, please check your integrations config`);
      const token = input.token ?? integration.tokenFor(organization);
      if (!token) throw new InputError(`No credentials provided https://${host}/${organization}, please check your integrations config`);
      if (input.token) ctx.redact?.(input.token);
      const source = await publishSource(ctx, input.sourcePath, 'publish:azure');

      ctx.logger.info(`Creating repository ${repo} in ${organization}/${project} on ${host}`);
      const created = await integration.client.createRepository(organization, project as string, repo, input.token);
      if (!created.remoteUrl || !created.id || !created.webUrl) throw new InputError(`${host} did not return the remote URL, id and web URL of the new repository ${repo}`);
      const remote = integration.gitRemote(created.remoteUrl);
      const webUrl = new URL(created.webUrl);
      if (webUrl.host.toLowerCase() !== host.toLowerCase()) throw new InputError(`${host} returned a web URL on another host`);

      ctx.logger.info(`Pushing ${input.defaultBranch} to ${created.webUrl}`);
      const { commitHash } = await pushDirectory({
        source,
        remoteUrl: remote,
        branch: input.defaultBranch,
        commitMessage: input.gitCommitMessage,
        author: { name: input.gitAuthorName, email: input.gitAuthorEmail },
        headers: integration.gitHeaders(organization, token),
        signal: ctx.signal,
      });
      webUrl.search = '';
      webUrl.searchParams.set('version', `GB${input.defaultBranch}`);
      webUrl.searchParams.set('path', '/');
      ctx.output('remoteUrl', created.remoteUrl);
      ctx.output('repoContentsUrl', webUrl.toString().replace('path=%2F', 'path=/'));
      ctx.output('repositoryId', created.id);
      ctx.output('commitHash', commitHash);
    },
  });
}
