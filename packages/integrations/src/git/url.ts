import { InputError } from '@portalkit/core';

// portalkit's own grammar for plain git remotes (they have no web UI to borrow one from):
//   <baseUrl>/<dirs...>/<repo>.git                    the repository (its clone URL), default branch
//   <clone URL>/blob/<ref>/<path>                     a file   (`raw` is read the same way)
//   <clone URL>/tree/<ref>/<path>                     a directory
// A ref may contain `/` (feature/x); only the remote's refs tell where it ends, so the reader
// resolves it against `git ls-remote` (longest matching ref). The synchronous parse assumes a
// one-segment ref.

/** The kinds of URL the grammar knows. */
export type GitUrlKind = 'repo' | 'blob' | 'tree' | 'raw';

/** A URL of a git integration, taken apart (before its ref is resolved against the remote). */
export interface GitUrlParts {
  /** `<baseUrl>/<dirs>/<repo>.git`, percent-encoded, without credentials, query or fragment. */
  cloneUrl: string;
  /** The directories before the repository, joined by `/` (may be empty). */
  owner: string;
  /** The repository name without `.git`. */
  repo: string;
  kind: GitUrlKind;
  /** Decoded segments after the kind: the ref, then the path (empty for `repo`). */
  rest: string[];
}

/** The grammar of one git integration's URLs. */
export interface GitUrlGrammar {
  /** `undefined` for a URL of another origin, with credentials, a query, or any unsafe segment. */
  parse(url: string): GitUrlParts | undefined;
  /** `<cloneUrl>/<kind>/<ref>/<path>`, each segment percent-encoded. */
  format(cloneUrl: string, kind: Exclude<GitUrlKind, 'repo'>, ref: string, path: string): string;
  /** The clone URL of `<owner>/<repo>` (owner may be empty or hold `/`). */
  cloneUrl(owner: string, repo: string): string;
  /** Resolve a relative (or root-relative) `url` against a URL of this grammar, inside its repository. */
  resolve(options: { url: string; base: string; lineNumber?: number }): string;
}

const encode = (segments: string[]) => segments.map((segment) => encodeURIComponent(segment)).join('/');

/** A decoded URL segment, or `undefined` when it could change which path is meant. */
function decodeSegment(segment: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  // Encoded separators, dot segments (also encoded ones, twice encoded ones for whoever decodes
  // again) and control characters are refused: each would let a URL name a different path than
  // the one it seems to.
  if (decoded === '' || decoded === '.' || decoded === '..' || /[/\\]/.test(decoded) || /[\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  if (/%(2e|2f|5c|00)/i.test(decoded)) return undefined;
  return decoded;
}

/**
 * The URL grammar of a git integration served below `baseUrl` (`https://host[:port][/prefix]`).
 * @example
 * ```ts
 * const grammar = createGitUrlGrammar('https://git.example.com/scm');
 * grammar.parse('https://git.example.com/scm/team/app.git/blob/main/catalog-info.yaml');
 * ```
 */
export function createGitUrlGrammar(baseUrl: string): GitUrlGrammar {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const root = `${base.origin}${prefix}`;

  const parse = (url: string): GitUrlParts | undefined => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.origin !== base.origin || parsed.username || parsed.password || parsed.search) return undefined;
    if (!parsed.pathname.startsWith(`${prefix}/`)) return undefined;
    const raw = parsed.pathname.slice(prefix.length + 1).split('/');
    if (raw.at(-1) === '') raw.pop();
    const segments: string[] = [];
    for (const segment of raw) {
      const decoded = decodeSegment(segment);
      if (decoded === undefined) return undefined;
      segments.push(decoded);
    }
    const repoIndex = segments.findIndex((segment) => segment.length > 4 && segment.endsWith('.git'));
    if (repoIndex < 0) return undefined;
    const after = segments.slice(repoIndex + 1);
    const kind = after.length === 0 ? 'repo' : after[0];
    if (kind !== 'repo' && kind !== 'blob' && kind !== 'tree' && kind !== 'raw') return undefined;
    if (kind !== 'repo' && after.length < 2) return undefined;
    return {
      cloneUrl: `${root}/${encode(segments.slice(0, repoIndex + 1))}`,
      owner: segments.slice(0, repoIndex).join('/'),
      repo: segments[repoIndex]!.slice(0, -4),
      kind,
      rest: after.slice(1),
    };
  };

  const format: GitUrlGrammar['format'] = (cloneUrl, kind, ref, path) => {
    const pathSegments = path.split('/').filter((segment) => segment !== '');
    return `${cloneUrl}/${kind}/${encode([...ref.split('/'), ...pathSegments])}`;
  };

  const resolve: GitUrlGrammar['resolve'] = ({ url, base: baseOf, lineNumber }) => {
    // Absolute URLs (and scheme-relative ones) name their own location.
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return new URL(url, baseOf).toString();
    const parts = parse(baseOf);
    if (!parts) throw new InputError(`cannot resolve ${JSON.stringify(url.slice(0, 200))}: the base is not a URL of ${root}`);
    if (/[?#\\]/.test(url)) throw new InputError(`cannot resolve ${JSON.stringify(url.slice(0, 200))}: a query, fragment or backslash is not a repository path`);
    const [ref = 'HEAD', ...basePath] = parts.rest;
    const directory = parts.kind === 'blob' || parts.kind === 'raw' ? basePath.slice(0, -1) : basePath;
    const result = url.startsWith('/') ? [] : [...directory];
    for (const segment of url.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (result.length === 0) throw new InputError(`${JSON.stringify(url.slice(0, 200))} leads above the root of ${parts.cloneUrl}`);
        result.pop();
        continue;
      }
      const decoded = decodeSegment(segment);
      if (decoded === undefined) throw new InputError(`${JSON.stringify(url.slice(0, 200))} has a segment that is not a plain path segment`);
      result.push(decoded);
    }
    const kind = parts.kind === 'repo' ? 'blob' : parts.kind;
    const resolved = format(parts.cloneUrl, kind, ref, result.join('/'));
    return lineNumber !== undefined && kind === 'blob' ? `${resolved}#L${lineNumber}` : resolved;
  };

  return {
    parse,
    format,
    resolve,
    cloneUrl: (owner, repo) => `${root}/${encode([...owner.split('/').filter((s) => s !== ''), `${repo}.git`])}`,
  };
}
