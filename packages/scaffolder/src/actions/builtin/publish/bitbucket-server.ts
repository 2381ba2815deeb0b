import { z } from 'zod';
import { InputError, NotAllowedError, NotImplementedError } from '@portalkit/core';
import { isBitbucketServerIntegration, parseRepoUrl, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';
import { createAction } from '../../createAction.js';
import { bitbucketPublishInput, bitbucketPublishOutput, checkedCloneUrl, publishSource } from './bitbucket-common.js';

const inputSchema = z.object({
  ...bitbucketPublishInput,
  enableLFS: z.boolean().default(false).describe('Enable LFS for the repository.'),
});
type Input = z.infer<typeof inputSchema>;

/** The fields of Bitbucket Server's `RestRepository` this action reads. */
interface CreatedRepository {
  links?: { self?: Array<{ href?: string }>; clone?: Array<{ name?: string; href?: string }> };
}

/**
 * `publish:bitbucketServer`, as Backstage's: create the repository in the project `project`
 * (`repoUrl`: `<host>?project=<KEY>&repo=<name>`) through the REST API 1.0, commit the
 * workspace (or `sourcePath`) and push `defaultBranch` to the `http` clone link with
 * {@link pushDirectory} (`Authorization: Bearer <token>` — the `token` input or the configured
 * one — or basic `username:password`), then enable LFS when asked. Outputs `remoteUrl` (the
 * clone URL), `repoContentsUrl` (the repository's `.../browse` link, which `catalog:register`
 * reads with the integration) and `commitHash`.
 *
 * @example
 * ```ts
 * import { createIntegrations } from '@portalkit/integrations';
 * const integrations = createIntegrations({ config: { bitbucketServer: [{ host: 'git.example.com', token: 'http-access-token' }] } });
 * const action = createPublishBitbucketServerAction({ integrations });
 * ```
 */
export function createPublishBitbucketServerAction(options: { integrations: ScmIntegrations }) {
  const id = 'publish:bitbucketServer';
  return createAction<Input>({
    id,
    description: 'Initializes a git repository of the content in the workspace, and publishes it to Bitbucket Server.',
    schema: { input: inputSchema, output: bitbucketPublishOutput },
    async handler(ctx) {
      const input = ctx.input;
      if (input.signCommit) throw new NotImplementedError(`${id}: signCommit is not supported by portalkit`);
      const { project, repo, host } = parseRepoUrl(input.repoUrl, options.integrations);
      const integration = options.integrations.byHost(host);
      if (!isBitbucketServerIntegration(integration) || !project) {
        throw new InputError(`${id}: ${host} is not a configured Bitbucket Server integration, or the repo URL misses project`);
      }
      const source = await publishSource(id, ctx.workspacePath, input.sourcePath);
      const authorization = integration.authorization(input.token);
      if (!authorization) {
        throw new InputError(`${id}: authorization has not been provided for ${host}; add a token or username + password to the integration config`);
      }
      const projectPath = `projects/${encodeURIComponent(project)}`;

      ctx.logger.info(`Creating repository ${repo} in project ${project}`);
      const created = await integration.http.json<CreatedRepository>(`${integration.apiBaseUrl}/${projectPath}/repos`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name: repo, description: input.description, defaultBranch: input.defaultBranch, public: input.repoVisibility === 'public' }),
        signal: ctx.signal,
      });
      const remoteUrl = checkedCloneUrl(id, created.links?.clone?.find((link) => link.name === 'http')?.href, integration.webBaseUrl);
      const repoContentsUrl = created.links?.self?.[0]?.href ?? '';
      if (!integration.parseUrl(repoContentsUrl)) throw new NotAllowedError(`${id}: the host's repository link is not a URL of ${host}`);

      ctx.logger.info(`Pushing ${input.defaultBranch} to ${remoteUrl}`);
      const { commitHash } = await pushDirectory({
        source,
        remoteUrl,
        branch: input.defaultBranch,
        commitMessage: input.gitCommitMessage,
        author: { name: input.gitAuthorName, email: input.gitAuthorEmail },
        headers: { Authorization: authorization },
        signal: ctx.signal,
      });

      if (input.enableLFS) {
        // Backstage calls https://<host>/rest/git-lfs/...; portalkit keeps the instance's base path.
        await integration.http.request(`${integration.webBaseUrl}/rest/git-lfs/admin/${projectPath}/repos/${encodeURIComponent(repo)}/enabled`, {
          method: 'PUT',
          headers: { authorization },
          signal: ctx.signal,
        });
      }
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', repoContentsUrl);
      ctx.output('commitHash', commitHash);
    },
  });
}
