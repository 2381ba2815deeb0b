import { NotModifiedError, type ReadTreeResponse, type TreeFile } from '@portalkit/core';
import type { Octokit } from '@octokit/rest';
import { readTarArchive } from '../tree/archive.js';
import { createTreeResponse } from '../tree/tree-response.js';
import type { ScmLocation, TreeLimits } from '../types.js';
import { githubError } from './errors.js';
import { type ResolvedRef, resolveRef } from './refs.js';

/** Options of {@link readGithubTree}. */
export interface GithubTreeOptions extends Required<TreeLimits> {
  etag?: string;
  signal?: AbortSignal;
  filter?: (path: string) => boolean;
}

/**
 * Read a directory of a repository as Backstage does: the ref is resolved to its commit (the
 * etag; an equal etag is a `NotModifiedError` before anything is downloaded), then the tarball
 * API is asked for that commit and its redirect followed to the archive origin (the host fetch
 * drops the Authorization header there; GitHub puts a token in the URL). The archive is
 * streamed through `readTarArchive`: the `<owner>-<repo>-<sha>/` wrapper stripped, only the
 * location's directory kept, links and `..` entries refused, the size and file-count limits
 * enforced while streaming.
 * @example
 * ```ts
 * const tree = await readGithubTree(octokit, location, { maxBytes: 1e8, maxFiles: 20_000 });
 * await tree.writeTo('/tmp/docs');
 * ```
 */
export async function readGithubTree(octokit: Octokit, location: ScmLocation, options: GithubTreeOptions): Promise<ReadTreeResponse> {
  const resolved = await resolveRef(octokit, location, { signal: options.signal });
  if (options.etag && options.etag === resolved.sha) throw new NotModifiedError(`${location.owner}/${location.repo}@${resolved.ref} has not changed`);
  const files = await downloadTree(octokit, location, resolved, options);
  return createTreeResponse(files, resolved.sha);
}

/** The files of the tarball of `resolved.sha` below `resolved.path`. */
export async function downloadTree(octokit: Octokit, location: ScmLocation, resolved: ResolvedRef, options: GithubTreeOptions): Promise<TreeFile[]> {
  const what = `${location.owner}/${location.repo}@${resolved.ref}${resolved.path ? `/${resolved.path}` : ''}`;
  let body: ReadableStream<Uint8Array> | null;
  try {
    const response = await octokit.rest.repos.downloadTarballArchive({
      owner: location.owner,
      repo: location.repo,
      ref: resolved.sha,
      request: { signal: options.signal, parseSuccessResponseBody: false },
    });
    body = response.data as unknown as ReadableStream<Uint8Array> | null;
  } catch (error) {
    throw githubError(error, what);
  }
  if (!body) return [];
  return readTarArchive(body, {
    what,
    stripComponents: 1,
    subpath: resolved.path || undefined,
    filter: options.filter,
    maxBytes: options.maxBytes,
    maxFiles: options.maxFiles,
  });
}
