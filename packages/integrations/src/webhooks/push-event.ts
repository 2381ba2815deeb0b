/**
 * A push to a repository, whatever host sent it: which repository, which branch or tag, and
 * which files changed when the host says so.
 *
 * @example
 * ```ts
 * const event: PushEvent = {
 *   type: 'github', host: 'github.com', repository: { path: 'acme/web', url: 'https://github.com/acme/web' },
 *   ref: 'refs/heads/main', branch: 'main', before: 'a1…', after: 'b2…', deleted: false,
 *   changedPaths: ['catalog-info.yaml'],
 * };
 * ```
 */
export interface PushEvent {
  /** Which host's webhook format it came in. */
  type: 'github' | 'gitlab';
  /** Host (with port when not the default) of the repository's web URL, lowercase, e.g. `github.com`. */
  host: string;
  repository: {
    /** `owner/repo` on GitHub, `group/subgroup/project` on GitLab (no `.git`). */
    path: string;
    /** The repository's web page (`html_url`, `web_url`). */
    url: string;
    /** The HTTP(S) clone URL, when the payload has one. */
    cloneUrl?: string;
    /** The repository's default branch, when the payload says (URLs without a ref mean it). */
    defaultBranch?: string;
  };
  /** The full ref pushed, e.g. `refs/heads/main` or `refs/tags/v1`. */
  ref: string;
  /** The branch, when `ref` is `refs/heads/<branch>`. */
  branch?: string;
  /** The tag, when `ref` is `refs/tags/<tag>`. */
  tag?: string;
  /** Commit before and after the push (all zeros when the ref was created or deleted). */
  before: string;
  after: string;
  /** The ref was deleted by this push. */
  deleted: boolean;
  /**
   * Every path added, modified or removed by the pushed commits, sorted; `undefined` when the
   * payload cannot tell (no commit list, or a list the host truncated).
   */
  changedPaths?: string[];
}

const ZERO_SHA = /^0+$/;

/** `refs/heads/x` -> `{ branch: 'x' }`, `refs/tags/v1` -> `{ tag: 'v1' }`. */
export function refNames(ref: string): { branch?: string; tag?: string } {
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  return {};
}

/** Whether a commit id is the all-zero id hosts use for "no commit" (created or deleted refs). */
export const isZeroSha = (sha: string): boolean => ZERO_SHA.test(sha);

/** The union of the commits' added/modified/removed paths, sorted and without duplicates. */
export function changedPathsOf(commits: readonly { added?: readonly string[]; modified?: readonly string[]; removed?: readonly string[] }[]): string[] {
  const paths = new Set<string>();
  for (const commit of commits) {
    for (const list of [commit.added, commit.modified, commit.removed]) for (const p of list ?? []) paths.add(p.replace(/^\/+/, ''));
  }
  return [...paths].sort();
}

/** The lowercase host (and port) of a URL, or `undefined` when it is not an http(s) URL. */
export function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
