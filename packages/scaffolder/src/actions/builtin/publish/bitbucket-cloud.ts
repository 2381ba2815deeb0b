import { z } from 'zod';
import { InputError, NotAllowedError, NotImplementedError } from '@portalkit/core';
import { isBitbucketCloudIntegration, parseRepoUrl, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';
import { createAction } from '../../createAction.js';
import { bitbucketPublishInput, bitbucketPublishOutput, checkedCloneUrl, publishSource } from './bitbucket-common.js';

const inputSchema = z.object(bitbucketPublishInput);
type Input = z.infer<typeof inputSchema>;

/** The fields of Bitbucket Cloud's `repository` schema this action reads. */
interface CreatedRepository {
  links?: { html?: { href?: string }; clone?: Array<{ name?: string; href?: string }> };
}

/**
 * `publish:bitbucketCloud`, as Backstage's: create the repository `workspace/repo` in the
 * project `project` (`repoUrl`: `bitbucket.org?workspace=<ws>&project=<key>&repo=<name>`) through
 * the REST API 2.0, commit the workspace (or `sourcePath`) and push `defaultBranch` to the
 * clone link with {@link pushDirectory} (credentials as headers: `username` + `appPassword`, or
 * the `token` input / configured access token as `x-token-auth`). Outputs `remoteUrl` (the
 * clone URL), `repoContentsUrl` (`https://bitbucket.org/<ws>/<repo>/src/<branch>`, which
 * `catalog:register` reads with the integration) and `commitHash`.
 *
 * @example
 * ```ts
 * import { createIntegrations } from '@portalkit/integrations';
 * const integrations = createIntegrations({ config: { bitbucketCloud: [{ username: 'bot', appPassword: 'app-password' }] } });
 * const action = createPublishBitbucketCloudAction({ integrations });
 * ```
 */
export function createPublishBitbucketCloudAction(options: { integrations: ScmIntegrations }) {
  const id = 'publish:bitbucketCloud';
  return createAction<Input>({
    id,
    description: 'Initializes a git repository of the content in the workspace, and publishes it to Bitbucket Cloud.',
    schema: { input: inputSchema, output: bitbucketPublishOutput },
    async handler(ctx) {
      const input = ctx.input;
      if (input.signCommit) throw new NotImplementedError(`${id}: signCommit is not supported by portalkit`);
      const { workspace, project, repo, host } = parseRepoUrl(input.repoUrl, options.integrations);
      const integration = options.integrations.byHost(host);
      if (!isBitbucketCloudIntegration(integration) || !workspace || !project) {
        throw new InputError(`${id}: ${host} is not a configured Bitbucket Cloud integration, or the repo URL misses workspace/project`);
      }
      const source = await publishSource(id, ctx.workspacePath, input.sourcePath);
      const authorization = integration.apiAuthorization(input.token);
      const gitAuthorization = integration.gitAuthorization(input.token);
      if (!authorization || !gitAuthorization) throw new InputError(`${id}: credentials for Bitbucket Cloud are required (username + appPassword, token, or the token input)`);

      ctx.logger.info(`Creating repository ${workspace}/${repo} in project ${project}`);
      const created = await integration.http.json<CreatedRepository>(`${integration.apiBaseUrl}/repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(repo)}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ scm: 'git', description: input.description, is_private: input.repoVisibility === 'private', project: { key: project } }),
        signal: ctx.signal,
      });
      const remoteUrl = checkedCloneUrl(id, created.links?.clone?.find((link) => link.name === 'https')?.href, integration.webBaseUrl);
      const html = created.links?.html?.href;
      // The main branch cannot be set at creation: the first pushed branch becomes it (Backstage's note).
      const repoContentsUrl = `${html}/src/${input.defaultBranch}`;
      if (!html || integration.parseUrl(repoContentsUrl)?.repo !== repo) throw new NotAllowedError(`${id}: the host's repository link is not a Bitbucket Cloud URL of ${workspace}/${repo}`);

      ctx.logger.info(`Pushing ${input.defaultBranch} to ${remoteUrl}`);
      const { commitHash } = await pushDirectory({
        source,
        remoteUrl,
        branch: input.defaultBranch,
        commitMessage: input.gitCommitMessage,
        author: { name: input.gitAuthorName, email: input.gitAuthorEmail },
        headers: { Authorization: gitAuthorization },
        signal: ctx.signal,
      });
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('repoContentsUrl', repoContentsUrl);
      ctx.output('commitHash', commitHash);
    },
  });
}
