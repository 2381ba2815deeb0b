import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@portalkit/core';
import type { GitRunOptions } from '../git-cli/run-git.js';
import { classifyGitFailure, execGit, streamGit } from './process.js';

/** One git object of a commit's tree. */
export interface TreeEntry {
  /** `100644`/`100755` files, `120000` symbolic links, `040000` trees, `160000` submodules. */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  path: string;
}

/** A temporary partial clone holding one fetched commit (trees only; blobs are fetched on demand). */
export interface Checkout {
  commit: string;
  /** Run git in the checkout; blobs missing locally are fetched from the remote. */
  git(args: string[], extra?: { input?: string; maxBytes?: number; tooLarge?: () => Error }): Promise<Buffer>;
  stream(args: string[]): ReturnType<typeof streamGit>;
  /** The entry at `path` (`''` is the root tree), or `undefined`. */
  entry(path: string): Promise<TreeEntry | undefined>;
  /** Every entry below `path` (recursively), without fetching blobs. */
  list(path: string): Promise<TreeEntry[]>;
}

/** How {@link withCheckout} reaches the remote. */
export interface CheckoutOptions {
  cloneUrl: string;
  remote: NonNullable<GitRunOptions['remote']>;
  timeoutMs: number;
  signal?: AbortSignal;
}

// Slow or stalled transfers fail instead of hanging a catalog refresh.
const NETWORK_CONFIG = ['-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=30'];

/**
 * Fetch `ref` (a full ref name, `HEAD` or a commit id) at depth 1 without blobs into a fresh
 * temporary bare repository, run `fn` with it, and remove it afterwards (also on failure).
 * Hosts that do not support partial clone send the blobs too; the result is the same.
 *
 * @example
 * ```ts
 * const text = await withCheckout(options, 'refs/heads/main', async (checkout) => checkout.git(['cat-file', 'blob', oid]));
 * ```
 */
export async function withCheckout<T>(options: CheckoutOptions, ref: string, fn: (checkout: Checkout) => Promise<T>): Promise<T> {
  const gitDir = await mkdtemp(path.join(os.tmpdir(), 'portalkit-git-read-'));
  const runOptions: GitRunOptions = { gitDir, remote: options.remote, ...(options.signal ? { signal: options.signal } : {}) };
  const git: Checkout['git'] = async (args, extra = {}) => {
    try {
      return await execGit([...NETWORK_CONFIG, ...args], runOptions, { timeoutMs: options.timeoutMs, ...extra });
    } catch (error) {
      throw classifyGitFailure(error, options.cloneUrl);
    }
  };
  try {
    // What `git init --bare --template=` creates, without a process of its own. A partial
    // clone: git fetches a missing blob from `origin` when a command needs it.
    for (const dir of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags']) await mkdir(path.join(gitDir, dir), { recursive: true });
    await writeFile(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(
      path.join(gitDir, 'config'),
      `[core]\n\trepositoryformatversion = 1\n\tbare = true\n[remote "origin"]\n\turl = ${options.cloneUrl}\n\tpromisor = true\n\tpartialclonefilter = blob:none\n[extensions]\n\tpartialClone = origin\n`,
    );
    await git(['fetch', '--quiet', '--depth=1', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', 'origin', `+${ref}:refs/portalkit/fetched`]);
    const commit = (await git(['rev-parse', '--verify', 'refs/portalkit/fetched^{commit}'])).toString('utf8').trim();
    const list = async (args: string[]) => parseLsTree((await git(['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', ...args])).toString('utf8'));
    const checkout: Checkout = {
      commit,
      git,
      stream: (args) => streamGit([...NETWORK_CONFIG, ...args], runOptions, { timeoutMs: options.timeoutMs }),
      async entry(entryPath) {
        if (entryPath === '') {
          const oid = (await git(['rev-parse', '--verify', `${commit}^{tree}`])).toString('utf8').trim();
          return { mode: '040000', type: 'tree', oid, path: '' };
        }
        return (await list([commit, '--', entryPath])).find((entry) => entry.path === entryPath);
      },
      list: (entryPath) => list(['-r', commit, ...(entryPath ? ['--', entryPath] : [])]),
    };
    return await fn(checkout);
  } finally {
    await rm(gitDir, { recursive: true, force: true });
  }
}

/** `git ls-tree -z` output: `<mode> SP <type> SP <oid> TAB <path> NUL`. */
function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const match = /^(\d{6}) (blob|tree|commit) ([0-9a-f]+)\t([\s\S]+)$/.exec(record);
    if (!match) throw new InputError('git ls-tree printed an entry it should not have');
    entries.push({ mode: match[1]!, type: match[2] as TreeEntry['type'], oid: match[3]!, path: match[4]! });
  }
  return entries;
}
