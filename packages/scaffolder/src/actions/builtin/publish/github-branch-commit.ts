import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConflictError, InputError } from '@portalkit/core';
import { runGit } from '@portalkit/integrations';
import { resolveSafeChildPath } from '../../resolveSafeChildPath.js';

/** What {@link commitOntoBranch} commits and where it pushes it. */
export interface BranchCommitOptions {
  /** Directory whose files are applied (added or replaced, never deleting others). */
  source: string;
  /** Repository subdirectory the files land in; default the root. */
  targetPath?: string | undefined;
  remoteUrl: string;
  /** Authorization header for the remote. */
  authorization: string;
  base: string;
  branch: string;
  /** Replace `branch` when it exists (else an existing branch is a `ConflictError`). */
  update: boolean;
  commitMessage: string;
  author: { name: string; email: string };
  signal?: AbortSignal;
}

/**
 * Commit the files of `source` on top of `base`'s tree (files not in `source` stay) and push the
 * commit as `branch`. Only `base`'s tip is fetched (depth 1); the repository metadata and the
 * tree being committed live in temporary directories, and git runs with `runGit`'s fixed config,
 * so nothing in the workspace configures git. Returns the commit hash.
 */
export async function commitOntoBranch(options: BranchCommitOptions): Promise<string> {
  const url = new URL(options.remoteUrl);
  const remote = { protocols: [url.protocol === 'http:' ? ('http' as const) : ('https' as const)], headers: { Authorization: options.authorization } };
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'portalkit-pr-'));
  try {
    const gitDir = path.join(scratch, 'git');
    const workTree = path.join(scratch, 'tree');
    await mkdir(workTree);
    await mkdir(gitDir);
    const repo = { gitDir, workTree, ...(options.signal ? { signal: options.signal } : {}) };
    await runGit(['init', '--quiet', '--template='], repo);
    const existing = await runGit(['ls-remote', '--heads', '--', options.remoteUrl, `refs/heads/${options.branch}`], { ...repo, remote });
    if (existing && !options.update) {
      throw new ConflictError(`publish:github:pull-request: the branch ${options.branch} already exists; set update: true to replace it`);
    }
    try {
      await runGit(['fetch', '--quiet', '--no-tags', '--depth=1', '--', options.remoteUrl, `+refs/heads/${options.base}:refs/remotes/base`], { ...repo, remote });
    } catch (error) {
      throw new InputError(`publish:github:pull-request: the target branch ${options.base} could not be fetched (${(error as Error).message.slice(0, 300)})`);
    }
    await runGit(['read-tree', 'refs/remotes/base'], repo);
    const destination = options.targetPath ? resolveSafeChildPath(workTree, options.targetPath) : workTree;
    await cp(options.source, destination, { recursive: true, verbatimSymlinks: true });
    // Add and replace what the workspace has; files of the base it lacks stay as they are.
    await runGit(['add', '--ignore-removal', '--', '.'], { ...repo, cwd: workTree });
    const tree = await runGit(['write-tree'], repo);
    const baseTree = await runGit(['rev-parse', 'refs/remotes/base^{tree}'], repo);
    if (tree === baseTree) throw new InputError(`publish:github:pull-request: the workspace makes no changes to ${options.base}`);
    const commit = await runGit(['commit-tree', tree, '-p', 'refs/remotes/base', '-m', options.commitMessage], { ...repo, identity: options.author });
    await runGit(['push', '--quiet', '--', options.remoteUrl, `${options.update ? '+' : ''}${commit}:refs/heads/${options.branch}`], { ...repo, remote });
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
