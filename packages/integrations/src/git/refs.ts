import { NotFoundError } from '@portalkit/core';

/** The refs a remote advertises (`git ls-remote --symref`): full ref name -> commit (tags peeled). */
export interface RemoteRefs {
  /** The commit of HEAD (the default branch), if the remote has one. */
  head: string | undefined;
  refs: Map<string, string>;
}

/**
 * Parse `git ls-remote --symref` output. Annotated tags are peeled (`refs/tags/v1^{}` wins
 * over `refs/tags/v1`), so every value is a commit.
 * @example
 * ```ts
 * parseLsRemote('ref: refs/heads/main\tHEAD\n<sha>\tHEAD\n<sha>\trefs/heads/main');
 * ```
 */
export function parseLsRemote(output: string): RemoteRefs {
  const refs = new Map<string, string>();
  let head: string | undefined;
  for (const line of output.split('\n')) {
    const match = /^([0-9a-f]{40}|[0-9a-f]{64})\t(\S+)$/.exec(line);
    if (!match) continue;
    const [, oid, name] = match as unknown as [string, string, string];
    if (name === 'HEAD') head = oid;
    else if (name.endsWith('^{}')) refs.set(name.slice(0, -3), oid);
    else if (!refs.has(name)) refs.set(name, oid);
  }
  return { head, refs };
}

/** A ref of a URL resolved against the remote. */
export interface ResolvedRef {
  /** What to fetch: a full ref name, or the commit itself when the URL names a commit. */
  fetch: string;
  /** The commit the remote advertised for it (the URL's own commit id for a commit URL). */
  commit: string;
  /** The URL's ref as written (for URLs built from this one). */
  ref: string;
  /** The path segments after the ref. */
  path: string[];
}

const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * Split `rest` (the segments after `blob`/`tree`) into a ref and a path: a full commit id, else
 * the longest prefix that names a tag or branch (in git's order: tags first), or `HEAD`.
 * `maxRefSegments` keeps glob segments out of the ref. No ref at all means the default branch.
 * @example
 * ```ts
 * resolveRef(refs, ['feature', 'x', 'docs', 'index.md']); // { fetch: 'refs/heads/feature/x', ref: 'feature/x', path: ['docs', 'index.md'], ... }
 * ```
 */
export function resolveRef(remote: RemoteRefs, rest: string[], what: string, maxRefSegments = rest.length): ResolvedRef {
  if (rest.length === 0) {
    if (!remote.head) throw new NotFoundError(`${what} has no default branch (an empty repository?)`);
    return { fetch: 'HEAD', commit: remote.head, ref: 'HEAD', path: [] };
  }
  const first = rest[0]!;
  if (COMMIT.test(first)) return { fetch: first.toLowerCase(), commit: first.toLowerCase(), ref: first, path: rest.slice(1) };
  for (let length = Math.min(maxRefSegments, rest.length); length >= 1; length--) {
    const name = rest.slice(0, length).join('/');
    if (name === 'HEAD' && remote.head) return { fetch: 'HEAD', commit: remote.head, ref: name, path: rest.slice(length) };
    for (const full of [`refs/tags/${name}`, `refs/heads/${name}`]) {
      const commit = remote.refs.get(full);
      if (commit) return { fetch: full, commit, ref: name, path: rest.slice(length) };
    }
  }
  throw new NotFoundError(`${what} has no branch or tag ${JSON.stringify(first.slice(0, 100))}`);
}
