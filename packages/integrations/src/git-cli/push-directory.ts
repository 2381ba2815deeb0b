import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@portalkit/core';
import { runGit } from './run-git.js';

/**
 * Options of {@link pushDirectory}.
 * @example
 * ```ts
 * const options: PushDirectoryOptions = {
 *   source: '/tmp/workspace', remoteUrl: 'https://git.example.com/acme/app.git', branch: 'main',
 *   commitMessage: 'initial commit', author: { name: 'Scaffolder', email: 'scaffolder@example.com' },
 *   headers: { Authorization: basicAuthorization('x-access-token', 'token') },
 * };
 * ```
 */
export interface PushDirectoryOptions {
  /** The directory whose files become the commit (its own `.git`, if any, is never used). */
  source: string;
  /** `https://` (or `http://`) URL of the remote repository, without credentials. */
  remoteUrl: string;
  branch: string;
  commitMessage: string;
  author: { name: string; email: string };
  /** HTTP headers for the remote (authentication); they never appear in URLs, logs or errors. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Commit every file of `source` as one commit and push it to `branch` of a remote over
 * HTTP(S). The repository metadata lives in a fresh temp directory (removed afterwards), git
 * runs with {@link runGit}'s fixed config, and credentials travel as headers in git's
 * environment, so nothing in `source` can configure git and no token lands in a URL.
 *
 * @example
 * ```ts
 * const { commitHash } = await pushDirectory({
 *   source: '/tmp/workspace', remoteUrl: 'https://git.example.com/acme/app.git', branch: 'main',
 *   commitMessage: 'initial commit', author: { name: 'Scaffolder', email: 'scaffolder@example.com' },
 * });
 * ```
 */
export async function pushDirectory(options: PushDirectoryOptions): Promise<{ commitHash: string }> {
  let url: URL;
  try {
    url = new URL(options.remoteUrl);
  } catch {
    throw new InputError(`not a remote URL: ${JSON.stringify(options.remoteUrl.slice(0, 200))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(`only http(s) remotes can be pushed to, got ${url.protocol}`);
  if (url.username || url.password) throw new InputError('a remote URL must not carry credentials; configure them on the integration');
  const metadata = await mkdtemp(path.join(os.tmpdir(), 'portalkit-push-'));
  try {
    const repo = { gitDir: metadata, workTree: options.source, ...(options.signal ? { signal: options.signal } : {}) };
    await runGit(['init', '--quiet', '--template=', `--initial-branch=${options.branch}`], repo);
    await runGit(['add', '--all'], repo);
    await runGit(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', options.commitMessage], { ...repo, identity: options.author });
    const commitHash = await runGit(['rev-parse', 'HEAD'], repo);
    const remote = { protocols: [url.protocol === 'https:' ? ('https' as const) : ('http' as const)], ...(options.headers ? { headers: options.headers } : {}) };
    await runGit(['push', '--quiet', '--', url.toString(), `HEAD:refs/heads/${options.branch}`], { ...repo, remote });
    return { commitHash };
  } finally {
    await rm(metadata, { recursive: true, force: true });
  }
}

/**
 * An HTTP basic `Authorization` header value.
 * @example
 * ```ts
 * basicAuthorization('x-access-token', 'ghs_example'); // 'Basic eC1hY2Nlc3MtdG9rZW46Z2hzX2V4YW1wbGU='
 * ```
 */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
