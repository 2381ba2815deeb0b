import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, NotAllowedError, NotFoundError, type Logger } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import { createAction } from '../../createAction.js';
import { isGitMetadataName } from '../../gitMetadata.js';
import { resolveSafeChildPath } from '../../resolveSafeChildPath.js';
import { gitlabTarget } from './gitlab.js';

/**
 * Options of {@link createPublishGitlabMergeRequestAction}.
 * @example
 * ```ts
 * const options: PublishGitlabMergeRequestActionOptions = { integrations: createIntegrations({ config: { gitlab: [{ host: 'gitlab.com', token: 'glpat-x' }] } }) };
 * ```
 */
export interface PublishGitlabMergeRequestActionOptions {
  integrations: ScmIntegrations;
}

const MAX_FILES = 5_000;

const inputSchema = z.object({
  repoUrl: z.string().describe('`<host>?owner=<group path>&repo=<project>`'),
  title: z.string().min(1),
  description: z.string().optional(),
  branchName: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'a branch name'),
  targetBranchName: z.string().optional().describe('Default: the project default branch'),
  sourcePath: z.string().optional().describe('Workspace directory whose files are committed; default the workspace'),
  targetPath: z.string().optional().describe('Repository directory the files go to; default the root'),
  token: z.string().optional(),
  commitAction: z.enum(['create', 'update', 'delete', 'auto']).default('auto'),
  removeSourceBranch: z.boolean().default(false),
  assignee: z.string().optional().describe('User name of the assignee'),
  reviewers: z.array(z.string()).optional().describe('User names of reviewers'),
});

/**
 * `publish:gitlab:merge-request` (Backstage's inputs): create `branchName` from the target branch,
 * commit the workspace files through GitLab's commits API (`commitAction` create, update, delete,
 * or `auto`: update what exists on the target branch, create the rest), and open a merge request.
 * Outputs `projectid`, `projectPath`, `mergeRequestUrl` and `targetBranchName`.
 * @example
 * ```yaml
 * - id: mr
 *   action: publish:gitlab:merge-request
 *   input: { repoUrl: 'gitlab.com?owner=acme&repo=web', title: Add catalog file, branchName: add-catalog }
 * ```
 */
export function createPublishGitlabMergeRequestAction(options: PublishGitlabMergeRequestActionOptions) {
  return createAction({
    id: 'publish:gitlab:merge-request',
    description: 'Commits the workspace files to a new branch of a GitLab project and opens a merge request.',
    schema: {
      input: inputSchema,
      output: z.object({ projectid: z.string(), projectPath: z.string(), mergeRequestUrl: z.string(), targetBranchName: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      const { integration, owner, repo } = gitlabTarget(input.repoUrl, options.integrations, 'publish:gitlab:merge-request');
      if (!input.token && !integration.hasToken) throw new InputError(`publish:gitlab:merge-request: no token available for host ${integration.host}`);
      const projectPath = `${owner}/${repo}`;
      const client = integration.client(input.token);
      const root = input.sourcePath ? resolveSafeChildPath(ctx.workspacePath, input.sourcePath) : ctx.workspacePath;
      if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new InputError(`publish:gitlab:merge-request: ${input.sourcePath ?? '.'} is not a directory in the workspace`);
      const files = await listFiles(root);
      const targetPath = input.targetPath ? safeRepoPath(input.targetPath) : '';

      const targetBranch = input.targetBranchName ?? (await client.Projects.show(projectPath)).default_branch;
      const userId = async (username: string) => {
        const [user] = await client.Users.all({ username });
        if (!user) ctx.logger.warn(`publish:gitlab:merge-request: no user ${username}; left unassigned`);
        return user?.id;
      };
      const assigneeId = input.assignee ? await userId(input.assignee) : undefined;
      const reviewerIds = (await Promise.all((input.reviewers ?? []).map(userId))).filter((id): id is number => id !== undefined);

      const actions = await commitActions(files, { root, targetPath, mode: input.commitAction, exists: (file) => fileExists(client, projectPath, file, targetBranch), logger: ctx.logger });
      try {
        await client.Branches.create(projectPath, input.branchName, targetBranch);
      } catch (error) {
        if (error instanceof InputError) throw new InputError(`publish:gitlab:merge-request: could not create branch ${input.branchName} (does it exist already?): ${error.message}`);
        throw error;
      }
      if (actions.length > 0) await client.Commits.create(projectPath, input.branchName, input.title, actions);
      const mergeRequest = await client.MergeRequests.create(projectPath, input.branchName, targetBranch, input.title, {
        ...(input.description !== undefined ? { description: input.description } : {}),
        removeSourceBranch: input.removeSourceBranch,
        ...(assigneeId !== undefined ? { assigneeId } : {}),
        ...(reviewerIds.length > 0 ? { reviewerIds } : {}),
      });
      ctx.output('projectid', projectPath);
      ctx.output('projectPath', projectPath);
      ctx.output('targetBranchName', targetBranch);
      ctx.output('mergeRequestUrl', mergeRequest.web_url);
    },
  });
}

type Client = ReturnType<ReturnType<typeof gitlabTarget>['integration']['client']>;

async function fileExists(client: Client, project: string, file: string, ref: string): Promise<boolean> {
  try {
    await client.RepositoryFiles.show(project, file, ref);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

async function commitActions(
  files: string[],
  options: { root: string; targetPath: string; mode: 'create' | 'update' | 'delete' | 'auto'; exists: (file: string) => Promise<boolean>; logger: Logger },
) {
  const actions: Array<{ action: 'create' | 'update' | 'delete'; filePath: string; content?: string; encoding?: 'base64' }> = [];
  for (const file of files) {
    const filePath = options.targetPath ? `${options.targetPath}/${file}` : file;
    const action = options.mode === 'auto' ? ((await options.exists(filePath)) ? 'update' : 'create') : options.mode;
    if (action === 'delete') actions.push({ action, filePath });
    else actions.push({ action, filePath, encoding: 'base64', content: (await readFile(path.join(options.root, ...file.split('/')))).toString('base64') });
  }
  return actions;
}

/** Regular files below `root` (relative, `/`-separated); links and git metadata are refused. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (isGitMetadataName(entry.name)) throw new NotAllowedError(`publish:gitlab:merge-request refuses to commit ${relative}`);
      const info = await lstat(path.join(dir, entry.name));
      if (info.isSymbolicLink()) throw new NotAllowedError(`publish:gitlab:merge-request refuses the symbolic link ${relative}`);
      if (info.isDirectory()) await walk(path.join(dir, entry.name), relative);
      else if (info.isFile()) out.push(relative);
      if (out.length > MAX_FILES) throw new InputError(`publish:gitlab:merge-request: more than ${MAX_FILES} files to commit`);
    }
  };
  await walk(root, '');
  return out.sort();
}

function safeRepoPath(value: string): string {
  const segments = value.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..' || segment.includes('\\') || segment.includes('\0'))) {
    throw new InputError(`publish:gitlab:merge-request: targetPath ${JSON.stringify(value.slice(0, 100))} leaves the repository`);
  }
  return segments.join('/');
}
