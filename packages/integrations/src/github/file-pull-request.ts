import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '@portalkit/core';
import { basicAuthorization, runGit } from '../git-cli/index.js';
import { githubApiError, githubClientFor } from '../github-api.js';
import type { GithubIntegration } from './types.js';

/** What {@link openGithubFilePullRequest} changes and how it names the change. */
export interface GithubFilePullRequestOptions {
  integration: GithubIntegration;
  owner: string;
  repo: string;
  /** Path of the file inside the repository. */
  path: string;
  /** Branch the pull request targets; default the repository's default branch. */
  base?: string | undefined;
  /** The new branch; an existing branch of that name is a `ConflictError`. */
  branch: string;
  /** The file's new text from its current text; throw to refuse the change. */
  edit: (text: string) => string;
  title: string;
  body: string;
  author: { name: string; email: string };
  signal?: AbortSignal;
}

/** The pull request opened. */
export interface GithubFilePullRequest {
  url: string;
  number: number;
  branch: string;
  base: string;
}

/**
 * Change one file of a GitHub repository through a pull request: fetch the tip of `base` (depth
 * 1, into a temporary repository no one else writes), apply `edit` to the file, commit on top of
 * `base`, push the commit as `branch` and open the pull request through the API. Git runs with
 * `runGit`'s fixed configuration; the token goes only to the integration's host.
 *
 * @example
 * ```ts
 * declare const github: GithubIntegration;
 * const pr = await openGithubFilePullRequest({
 *   integration: github, owner: 'acme', repo: 'web', path: 'catalog-info.yaml', branch: 'portalkit/owner',
 *   edit: (text) => text.replace('owner: team-a', 'owner: team-b'),
 *   title: 'Change owner', body: 'Requested in the portal', author: { name: 'portalkit', email: 'portalkit@example.com' },
 * });
 * ```
 */
export async function openGithubFilePullRequest(options: GithubFilePullRequestOptions): Promise<GithubFilePullRequest> {
  const { integration, owner, repo } = options;
  const { octokit, token } = await githubClientFor(integration, { owner });
  const call = <T>(promise: Promise<T>, doing: string) => promise.catch((error: unknown) => Promise.reject(githubApiError(error, doing)));
  const repository = (await call(octokit.rest.repos.get({ owner, repo }), `reading ${owner}/${repo}`)).data;
  const base = options.base ?? repository.default_branch;
  const remoteUrl = repository.clone_url;
  // The token goes with the push: only to the integration's host, over its API's scheme.
  const url = new URL(remoteUrl);
  if (url.protocol !== new URL(integration.apiBaseUrl).protocol || url.host.toLowerCase() !== integration.host.toLowerCase() || url.username || url.password) {
    throw new ServiceUnavailableError(`GitHub ${integration.host} returned a clone URL on another host or scheme; refusing to use it`);
  }
  const remote = { protocols: [url.protocol === 'http:' ? ('http' as const) : ('https' as const)], headers: { Authorization: basicAuthorization('x-access-token', token) } };
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'portalkit-file-pr-'));
  try {
    const gitDir = path.join(scratch, 'git');
    const workTree = path.join(scratch, 'tree');
    await mkdir(gitDir);
    await mkdir(workTree);
    const local = { gitDir, workTree, ...(options.signal ? { signal: options.signal } : {}) };
    await runGit(['init', '--quiet', '--template='], local);
    if (await runGit(['ls-remote', '--heads', '--', remoteUrl, `refs/heads/${options.branch}`], { ...local, remote })) {
      throw new ConflictError(`GitHub: the branch ${options.branch} already exists in ${owner}/${repo}`);
    }
    await runGit(['fetch', '--quiet', '--no-tags', '--depth=1', '--', remoteUrl, `+refs/heads/${base}:refs/remotes/base`], { ...local, remote }).catch((error: unknown) => {
      throw new InputError(`GitHub: the branch ${base} of ${owner}/${repo} could not be fetched (${(error as Error).message.slice(0, 200)})`);
    });
    await runGit(['read-tree', 'refs/remotes/base'], local);
    const entries = (await runGit(['ls-files', '--stage', '-z', '--', options.path], local)).split('\0').filter(Boolean);
    if (entries.length === 0) throw new NotFoundError(`GitHub: ${options.path} does not exist on ${base} of ${owner}/${repo}`);
    // Only a regular file: a symbolic link checked out would be read and written through, to a
    // file of this host outside the scratch repository (and a folder is not a file to edit).
    if (entries.length !== 1 || !/^100(644|755) [0-9a-f]+ 0\t/.test(entries[0]!) || entries[0]!.slice(entries[0]!.indexOf('\t') + 1) !== options.path) {
      throw new InputError(`GitHub: ${options.path} on ${base} of ${owner}/${repo} is not a regular file`);
    }
    await runGit(['checkout-index', '--force', '--', options.path], { ...local, cwd: workTree });
    const file = path.join(workTree, options.path);
    const before = await readFile(file, 'utf8');
    const after = options.edit(before);
    if (after === before) throw new InputError(`the change leaves ${options.path} as it is`);
    await writeFile(file, after);
    await runGit(['add', '--', options.path], { ...local, cwd: workTree });
    const tree = await runGit(['write-tree'], local);
    const commit = await runGit(['commit-tree', tree, '-p', 'refs/remotes/base', '-m', options.title], { ...local, identity: options.author });
    await runGit(['push', '--quiet', '--', remoteUrl, `${commit}:refs/heads/${options.branch}`], { ...local, remote });
    const pull = (await call(octokit.rest.pulls.create({ owner, repo, title: options.title, body: options.body, head: options.branch, base }), 'creating the pull request')).data;
    return { url: pull.html_url, number: pull.number, branch: options.branch, base };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
