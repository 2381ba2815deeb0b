import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { InputError, NotAllowedError, isPathInside, realpathOfExistingAncestor } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import type { ActionContext } from '../../types.js';
import { runGit } from '../../git/runGit.js';
import { createAction } from '../createAction.js';
import { findGitMetadata } from '../gitMetadata.js';
import { resolveContainedPath, resolveSafeChildPath } from '../resolveSafeChildPath.js';
import { pushToGitIntegration, resolveIntegrationRemote } from './publishGitRemote.js';

interface Input {
  remoteUrl?: string;
  repoUrl?: string;
  defaultBranch: string;
  sourcePath?: string;
  gitCommitMessage: string;
  gitAuthorName: string;
  gitAuthorEmail: string;
}

/**
 * Options of {@link createPublishGitAction}.
 *
 * @example
 * ```ts
 * const publish = createPublishGitAction({ allowedRoots: ['/srv/git'] });
 * ```
 */
export interface PublishGitActionOptions {
  /**
   * Directories repositories may be created in and pushed to (symlinks resolved). Default: any
   * absolute path, which lets every template write to any directory the process can; set it
   * whenever templates are not fully trusted.
   */
  allowedRoots?: string[];
  /**
   * Configured hosts: an `http(s)://` remote (or a `repoUrl`) must be on a `git` integration,
   * whose credentials push it. Without it only local remotes are accepted.
   */
  integrations?: ScmIntegrations;
}

/** Refuse a remote outside the allowed roots (when there are any). */
function confine(remotePath: string, allowedRoots: string[] | undefined): string {
  if (!allowedRoots) return path.resolve(remotePath);
  for (const root of allowedRoots) {
    try {
      return resolveContainedPath(root, path.relative(path.resolve(root), path.resolve(remotePath)));
    } catch {
      // Not below this root; try the next.
    }
  }
  throw new NotAllowedError(`publish:git may only push to repositories below ${allowedRoots.join(', ')}; got ${remotePath}`);
}

/** Local bare repository path of a `file://` URL or absolute path; anything else is refused. */
function localRemote(remoteUrl: string): string {
  if (remoteUrl.startsWith('file:')) {
    try {
      return fileURLToPath(remoteUrl);
    } catch (error) {
      throw new InputError(`publish:git: ${remoteUrl} is not a local file URL: ${(error as Error).message}`);
    }
  }
  if (path.isAbsolute(remoteUrl)) return remoteUrl;
  throw new InputError(
    `publish:git pushes to local repositories (an absolute path or file:// URL) and to http(s) remotes of configured git integrations, got ${JSON.stringify(remoteUrl.slice(0, 200))}; use a provider-specific publish action for hosted git`,
  );
}

/**
 * Pushing runs git in the remote repository with that repository's own config and hooks, so the
 * remote must never be one a template could have written: not in its workspace, and not in the
 * scaffolder's working directory, which holds every task's workspace and temporary directories
 * (recognised by the `<working directory>/<task id>` layout the scaffolder gives workspaces).
 */
function refuseTemplateWritableRemote(remotePath: string, ctx: ActionContext<Input>): void {
  const areas = [ctx.workspacePath];
  if (path.basename(ctx.workspacePath) === ctx.task.id) areas.push(path.dirname(ctx.workspacePath));
  const realRemote = realpathOfExistingAncestor(path.resolve(remotePath));
  for (const area of areas) {
    const resolved = path.resolve(area);
    if (isPathInside(resolved, path.resolve(remotePath)) || isPathInside(realpathOfExistingAncestor(resolved), realRemote)) {
      throw new NotAllowedError(`publish:git may not push to ${remotePath}: it is inside ${resolved}, which templates can write`);
    }
  }
}

/**
 * `publish:git`: commit the workspace (or `sourcePath` in it) and push `defaultBranch` to a local
 * bare repository (created when missing), or to an existing repository of a configured `git`
 * integration (`remoteUrl: https://git.example.com/team/app.git`, or `repoUrl:
 * git.example.com?owner=team&repo=app`), pushed with `pushDirectory` and the integration's
 * credentials; a host that is not a configured git integration is a `NotAllowedError`. Git never takes config, hooks, attributes filters or
 * a repository location from the workspace: the repository metadata lives in a fresh directory
 * outside it (`--git-dir`, removed afterwards), git runs with a fixed config and environment
 * ({@link runGit}), and a `.git` entry anywhere in the workspace is refused (`NotAllowedError`).
 * Outputs `remoteUrl`, `repoContentsUrl` (`<file URL>/blob/<branch>`, or `<clone URL>/blob/<branch>`,
 * which the git integration's reader reads, so `catalog:register` takes it) and `commitHash`. A non-empty
 * directory that is not a repository is refused; so is a remote inside a task workspace, and with
 * `allowedRoots`, any remote outside them.
 * @example
 * ```yaml
 * - id: publish
 *   action: publish:git
 *   input: { remoteUrl: file:///srv/git/my-service.git, defaultBranch: main }
 * ```
 */
export function createPublishGitAction(options: PublishGitActionOptions = {}) {
  const allowedRoots = options.allowedRoots?.map((root) => path.resolve(root));
  return createAction<Input>({
    id: 'publish:git',
    description: 'Initializes a git repository of the content in the workspace, and pushes it to a local bare repository or a remote of a configured git integration.',
    schema: {
      input: z.object({
        remoteUrl: z
          .string()
          .min(1)
          .optional()
          .describe('Clone URL (http(s)://, on a configured git integration), absolute path or file:// URL of the repository to push to'),
        repoUrl: z.string().min(1).optional().describe('Repository location in the scaffolder\'s format (<host>?owner=<dirs>&repo=<name>) on a configured git integration'),
        defaultBranch: z.string().regex(/^[\w./-]+$/).default('main').describe('Branch to push'),
        sourcePath: z.string().optional().describe('Path within the workspace to publish; defaults to the whole workspace'),
        gitCommitMessage: z.string().default('initial commit'),
        gitAuthorName: z.string().default('Scaffolder'),
        gitAuthorEmail: z.string().default('scaffolder@backstage.io'),
      }),
      output: z.object({ remoteUrl: z.string(), repoContentsUrl: z.string(), commitHash: z.string() }),
    },
    async handler(ctx) {
      const input = ctx.input;
      if ((input.remoteUrl === undefined) === (input.repoUrl === undefined)) throw new InputError('publish:git needs exactly one of remoteUrl and repoUrl');
      const remote = resolveIntegrationRemote(input, options.integrations);
      const remotePath = remote ? undefined : confine(localRemote(input.remoteUrl ?? ''), allowedRoots);
      if (remotePath) refuseTemplateWritableRemote(remotePath, ctx);
      const source = input.sourcePath ? resolveSafeChildPath(ctx.workspacePath, input.sourcePath) : ctx.workspacePath;
      if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw new InputError(`publish:git: ${input.sourcePath ?? '.'} is not a directory in the workspace`);
      // Defence in depth: built-in actions never write `.git`, but a custom action could.
      const gitEntry = await findGitMetadata(source);
      if (gitEntry) {
        const shown = input.sourcePath ? path.posix.join(input.sourcePath, gitEntry) : gitEntry;
        throw new NotAllowedError(`publish:git refuses to publish a workspace containing ${shown}: a .git entry could configure git`);
      }
      if (remote) {
        ctx.logger.info(`Pushing ${input.defaultBranch} to ${remote.cloneUrl}`);
        const { commitHash } = await pushToGitIntegration(remote, { source, input, signal: ctx.signal });
        ctx.output('remoteUrl', remote.cloneUrl);
        ctx.output('repoContentsUrl', `${remote.cloneUrl}/blob/${input.defaultBranch}`);
        ctx.output('commitHash', commitHash);
        return;
      }
      await publishLocal(remotePath!, source, input, ctx);
    },
  });
}

/** Push to a local bare repository (created when missing). */
async function publishLocal(remotePath: string, source: string, input: Input, ctx: ActionContext<Input>): Promise<void> {
  const signal = ctx.signal;

  if (!(await stat(path.join(remotePath, 'HEAD')).catch(() => undefined))) {
    // Never turn someone's existing directory into a repository.
    const existing = await readdir(remotePath).catch(() => []);
    if (existing.length > 0) {
      throw new InputError(`publish:git: ${remotePath} exists and is not a git repository; refusing to create one inside it`);
    }
    ctx.logger.info(`Creating bare repository ${remotePath}`);
    await mkdir(remotePath, { recursive: true });
    await runGit(['init', '--bare', '--quiet', `--initial-branch=${input.defaultBranch}`, '--', remotePath], { signal });
  }

  // The repository metadata lives outside the workspace, in a directory only this step knows.
  const metadata = await mkdtemp(path.join(os.tmpdir(), 'portalkit-publish-git-'));
  try {
    const repo = { gitDir: metadata, workTree: source, signal };
    await runGit(['init', '--quiet', '--template=', `--initial-branch=${input.defaultBranch}`], repo);
    await runGit(['add', '--all'], repo);
    const identity = { name: input.gitAuthorName, email: input.gitAuthorEmail };
    await runGit(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', input.gitCommitMessage], { ...repo, identity });
    const commitHash = await runGit(['rev-parse', 'HEAD'], repo);
    const remoteFileUrl = pathToFileURL(remotePath).toString();
    ctx.logger.info(`Pushing ${input.defaultBranch} to ${remoteFileUrl}`);
    await runGit(['push', '--quiet', '--', remoteFileUrl, `HEAD:refs/heads/${input.defaultBranch}`], repo);

    ctx.output('remoteUrl', input.remoteUrl!);
    ctx.output('repoContentsUrl', `${remoteFileUrl}/blob/${input.defaultBranch}`);
    ctx.output('commitHash', commitHash);
  } finally {
    await rm(metadata, { recursive: true, force: true });
  }
}
