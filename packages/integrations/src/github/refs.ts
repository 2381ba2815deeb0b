import { NotFoundError } from '@portalkit/core';
import type { Octokit } from '@octokit/rest';
import type { ScmLocation } from '../types.js';
import { githubError } from './errors.js';

/** A location's ref and path once the ref is known to exist, and the commit it names. */
export interface ResolvedRef {
  ref: string;
  path: string;
  sha: string;
}

// How many extra path segments a ref containing `/` may take before giving up (API calls).
const MAX_REF_SEGMENTS = 6;

/**
 * Resolve a location's ref to its commit, as GitHub's web UI does: a URL's `<ref>/<path>` is
 * ambiguous when the ref contains `/` (`blob/release/v1/docs/a.md`), so `release`, then
 * `release/v1`, ... are asked for (the commits API names branches, tags and shas alike) until
 * one exists. A location without ref means the repository's default branch. A repository that
 * does not exist (or is not visible) is a `NotFoundError` at once.
 * @example
 * ```ts
 * const { ref, path, sha } = await resolveRef(octokit, location);
 * ```
 */
export async function resolveRef(octokit: Octokit, location: ScmLocation, options: { signal?: AbortSignal; splitPath?: boolean } = {}): Promise<ResolvedRef> {
  const { owner, repo } = location;
  const what = `${owner}/${repo}`;
  const request = { signal: options.signal };
  if (location.ref === undefined) {
    try {
      const { data } = await octokit.rest.repos.get({ owner, repo, request });
      const sha = await commitOf(octokit, location, data.default_branch, options.signal);
      if (!sha) throw new NotFoundError(`${what} has no commit on its default branch ${data.default_branch}`);
      return { ref: data.default_branch, path: location.path, sha };
    } catch (error) {
      throw githubError(error, what);
    }
  }
  const segments = location.path ? location.path.split('/') : [];
  const extra = options.splitPath === false ? 0 : Math.min(segments.length, MAX_REF_SEGMENTS);
  for (let taken = 0; taken <= extra; taken++) {
    const ref = [location.ref, ...segments.slice(0, taken)].join('/');
    const sha = await commitOf(octokit, location, ref, options.signal);
    if (sha) return { ref, path: segments.slice(taken).join('/'), sha };
  }
  throw new NotFoundError(`${what} has no branch, tag or commit ${location.ref}`);
}

/** The commit `ref` names in the repository, or undefined when no such ref exists (422). */
async function commitOf(octokit: Octokit, location: ScmLocation, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getCommit({ owner: location.owner, repo: location.repo, ref, mediaType: { format: 'sha' }, request: { signal } });
    const sha = String(data).trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new NotFoundError(`GitHub answered no commit for ${location.owner}/${location.repo}@${ref}`);
    return sha;
  } catch (error) {
    if ((error as { status?: number }).status === 422) return undefined;
    throw githubError(error, `${location.owner}/${location.repo}`);
  }
}
