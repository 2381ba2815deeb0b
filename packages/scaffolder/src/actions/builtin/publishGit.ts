import { execFile } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { InputError, NotAllowedError } from '@portalkit/core';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

const run = promisify(execFile);

interface Input {
  remoteUrl: string;
  defaultBranch: string;
  sourcePath?: string;
  gitCommitMessage: string;
  gitAuthorName: string;
  gitAuthorEmail: string;
}

// Git must not read the host's configuration (hooks, signing, credential helpers) or prompt.
const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

async function git(args: string[], cwd: string, signal: AbortSignal): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env: gitEnv, signal, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string; name: string };
    if (e.name === 'AbortError') throw error;
    throw new InputError(`git ${args[0]} failed: ${(e.stderr || e.message).trim()}`);
  }
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
}

/** Refuse a remote outside the allowed roots (when there are any). */
function confine(remotePath: string, allowedRoots: string[] | undefined): string {
  if (!allowedRoots) return path.resolve(remotePath);
  for (const root of allowedRoots) {
    try {
      return resolveSafeChildPath(root, path.relative(path.resolve(root), path.resolve(remotePath)));
    } catch {
      // Not below this root; try the next.
    }
  }
  throw new NotAllowedError(`publish:git may only push to repositories below ${allowedRoots.join(', ')}; got ${remotePath}`);
}

/** Local bare repository path of a `file://` URL or absolute path; anything else is refused. */
function localRemote(remoteUrl: string): string {
  if (remoteUrl.startsWith('file:')) return fileURLToPath(remoteUrl);
  if (path.isAbsolute(remoteUrl)) return remoteUrl;
  throw new InputError(
    `publish:git only pushes to local repositories (an absolute path or file:// URL), got ${remoteUrl}; use a provider-specific publish action for hosted git`,
  );
}

/**
 * `publish:git`: make a git repository of the workspace (or `sourcePath` in it), commit everything
 * and push `defaultBranch` to a local bare repository (created when missing).
 * Outputs `remoteUrl`, `repoContentsUrl` (`<file URL>/blob/<branch>`) and `commitHash`. A non-empty
 * directory that is not a repository is refused; with `allowedRoots`, so is any remote outside them.
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
    description: 'Initializes a git repository of the content in the workspace, and pushes it to a local bare repository.',
    schema: {
      input: z.object({
        remoteUrl: z.string().min(1).describe('Absolute path or file:// URL of the bare repository to push to'),
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
      const remotePath = confine(localRemote(input.remoteUrl), allowedRoots);
      const source = input.sourcePath ? resolveSafeChildPath(ctx.workspacePath, input.sourcePath) : ctx.workspacePath;
      const signal = ctx.signal;

      if (!(await stat(path.join(remotePath, 'HEAD')).catch(() => undefined))) {
        // Never turn someone's existing directory into a repository.
        const existing = await readdir(remotePath).catch(() => []);
        if (existing.length > 0) {
          throw new InputError(`publish:git: ${remotePath} exists and is not a git repository; refusing to create one inside it`);
        }
        ctx.logger.info(`Creating bare repository ${remotePath}`);
        await mkdir(remotePath, { recursive: true });
        await git(['init', '--bare', '--quiet', `--initial-branch=${input.defaultBranch}`], remotePath, signal);
      }

      const identity = ['-c', `user.name=${input.gitAuthorName}`, '-c', `user.email=${input.gitAuthorEmail}`, '-c', 'commit.gpgsign=false'];
      await git(['init', '--quiet', `--initial-branch=${input.defaultBranch}`], source, signal);
      await git(['add', '--all'], source, signal);
      await git([...identity, 'commit', '--quiet', '--allow-empty', '-m', input.gitCommitMessage], source, signal);
      const commitHash = await git(['rev-parse', 'HEAD'], source, signal);
      const remoteFileUrl = pathToFileURL(remotePath).toString();
      ctx.logger.info(`Pushing ${input.defaultBranch} to ${remoteFileUrl}`);
      await git(['push', '--quiet', remoteFileUrl, `HEAD:refs/heads/${input.defaultBranch}`], source, signal);

      ctx.output('remoteUrl', input.remoteUrl);
      ctx.output('repoContentsUrl', `${remoteFileUrl}/blob/${input.defaultBranch}`);
      ctx.output('commitHash', commitHash);
    },
  });
}
