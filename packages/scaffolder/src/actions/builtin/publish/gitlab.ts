import path from 'node:path';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, NotAllowedError, NotFoundError } from '@portalkit/core';
import { type GitlabIntegration, isGitlabIntegration, parseRepoUrl, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';
import { createAction } from '../../createAction.js';
import { findGitMetadata } from '../../gitMetadata.js';
import { resolveSafeChildPath } from '../../resolveSafeChildPath.js';

/**
 * Options of {@link createPublishGitlabAction}.
 * @example
 * ```ts
 * const options: PublishGitlabActionOptions = { integrations: createIntegrations({ config: { gitlab: [{ host: 'gitlab.com', token: 'glpat-x' }] } }) };
 * ```
 */
export interface PublishGitlabActionOptions {
  integrations: ScmIntegrations;
}

const branchName = z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'a branch name');

// Backstage's `settings` (the project settings publish:gitlab passes to project creation), minus
// `path` handling beyond the project's own path.
const settingsSchema = z
  .object({
    path: z.string().regex(/^[\w.-]+$/).optional(),
    auto_devops_enabled: z.boolean().optional(),
    ci_config_path: z.string().optional(),
    description: z.string().optional(),
    merge_method: z.enum(['merge', 'rebase_merge', 'ff']).optional(),
    squash_option: z.enum(['default_off', 'default_on', 'never', 'always']).optional(),
    topics: z.array(z.string()).optional(),
    visibility: z.enum(['private', 'internal', 'public']).optional(),
    only_allow_merge_if_all_discussions_are_resolved: z.boolean().optional(),
    only_allow_merge_if_pipeline_succeeds: z.boolean().optional(),
    allow_merge_on_skipped_pipeline: z.boolean().optional(),
  })
  .strict();

const inputSchema = z.object({
  repoUrl: z.string().describe('Repository location: `<host>?owner=<group path>&repo=<project>` (nested groups allowed)'),
  repoVisibility: z.enum(['private', 'internal', 'public']).default('private'),
  defaultBranch: branchName.default('master').describe('Branch to push (Backstage default: master)'),
  gitCommitMessage: z.string().default('initial commit'),
  gitAuthorName: z.string().default('Scaffolder'),
  gitAuthorEmail: z.string().default('scaffolder@backstage.io'),
  sourcePath: z.string().optional().describe('Path within the workspace to publish; default the whole workspace'),
  skipExisting: z.boolean().default(false).describe('Do not fail when the project exists: output its URLs and push nothing'),
  token: z.string().optional().describe('Token to use instead of the integration token (sent as OAuth bearer)'),
  topics: z.array(z.string().max(255)).optional(),
  settings: settingsSchema.optional(),
  branches: z
    .array(z.object({ name: branchName, protect: z.boolean().optional(), create: z.boolean().optional(), ref: z.string().optional() }))
    .optional()
    .describe('Branches to create (`create`, from `ref`, default the default branch) after the push'),
});

/**
 * `publish:gitlab` (Backstage's inputs): create a project in a group (nested groups allowed) or
 * in the token user's namespace through GitLab's API, then push the workspace with
 * `pushDirectory` (basic `oauth2:<token>`, never in a URL). Outputs `remoteUrl`,
 * `repoContentsUrl` (`<project URL>/-/blob/<branch>`, which `catalog:register` reads through the
 * GitLab integration), `commitHash`, `projectId` and `created`.
 * @example
 * ```yaml
 * - id: publish
 *   action: publish:gitlab
 *   input: { repoUrl: 'gitlab.com?owner=acme/platform&repo=billing', defaultBranch: main }
 * ```
 */
export function createPublishGitlabAction(options: PublishGitlabActionOptions) {
  return createAction({
    id: 'publish:gitlab',
    description: 'Initializes a git repository of the content in the workspace, and publishes it to GitLab.',
    schema: {
      input: inputSchema,
      output: z.object({
        remoteUrl: z.string(),
        repoContentsUrl: z.string(),
        commitHash: z.string().optional(),
        projectId: z.number(),
        created: z.boolean(),
      }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const { integration, owner, repo } = gitlabTarget(input.repoUrl, options.integrations, 'publish:gitlab');
      if (!input.token && !integration.hasToken) throw new InputError(`publish:gitlab: no token available for host ${integration.host}`);
      const source = input.sourcePath ? resolveSafeChildPath(ctx.workspacePath, input.sourcePath) : ctx.workspacePath;
      if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw new InputError(`publish:gitlab: ${input.sourcePath ?? '.'} is not a directory in the workspace`);
      const gitEntry = await findGitMetadata(source);
      if (gitEntry) throw new NotAllowedError(`publish:gitlab refuses to publish a workspace containing ${path.posix.join(input.sourcePath ?? '', gitEntry)}`);

      const client = integration.client(input.token);
      let namespaceId: number;
      try {
        namespaceId = (await client.Namespaces.show(owner)).id;
      } catch (error) {
        if (error instanceof NotFoundError) throw new InputError(`publish:gitlab: the namespace ${owner} is not found or the user doesn't have permissions to access it`);
        throw error;
      }
      const projectPath = `${owner}/${input.settings?.path ?? repo}`;
      const existing = input.skipExisting ? await client.Projects.show(projectPath).catch((error: unknown) => (error instanceof NotFoundError ? undefined : Promise.reject(error))) : undefined;
      const project =
        existing ??
        (await client.Projects.create({
          namespaceId,
          name: repo,
          visibility: input.repoVisibility,
          ...(input.topics?.length ? { topics: input.topics } : {}),
          ...input.settings,
        }));
      // The push goes to the configured instance, whatever URL the API answered with.
      const webUrl = integration.remoteUrl(project.path_with_namespace).replace(/\.git$/, '');
      const defaultBranch = existing?.default_branch ?? input.defaultBranch;
      ctx.output('remoteUrl', webUrl);
      ctx.output('repoContentsUrl', `${webUrl}/-/blob/${defaultBranch}`);
      ctx.output('projectId', project.id);
      ctx.output('created', !existing);
      if (existing) {
        ctx.logger.info(`publish:gitlab: ${project.path_with_namespace} exists; skipping (skipExisting)`);
        return;
      }

      ctx.logger.info(`publish:gitlab: pushing ${input.defaultBranch} to ${webUrl}`);
      const { commitHash } = await pushDirectory({
        source,
        remoteUrl: `${webUrl}.git`,
        branch: input.defaultBranch,
        commitMessage: input.gitCommitMessage,
        author: { name: input.gitAuthorName, email: input.gitAuthorEmail },
        ...withHeaders(integration.gitHeaders(input.token)),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      ctx.output('commitHash', commitHash);

      for (const branch of input.branches ?? []) {
        if (branch.create) await client.Branches.create(project.id, branch.name, branch.ref ?? input.defaultBranch);
        if (branch.protect) await client.ProtectedBranches.protect(project.id, branch.name);
      }
    },
  });
}

const withHeaders = (headers: Record<string, string> | undefined) => (headers ? { headers } : {});

/** The GitLab integration, group path and project of a publish action's `repoUrl`. */
export function gitlabTarget(repoUrl: string, integrations: ScmIntegrations, action: string): { integration: GitlabIntegration; owner: string; repo: string } {
  const parsed = parseRepoUrl(repoUrl, integrations);
  const integration = integrations.byHost(parsed.host);
  if (!isGitlabIntegration(integration)) throw new InputError(`${action}: ${parsed.host} is not a GitLab integration`);
  if (!parsed.owner) throw new InputError(`${action}: repoUrl has no owner (the group path)`);
  return { integration, owner: parsed.owner, repo: parsed.repo };
}
