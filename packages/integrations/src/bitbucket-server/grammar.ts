import { decodePathSegments, encodePath, hasDotSegment, resolveRepoPath } from '../bitbucket-common/url-path.js';
import type { ScmLocation } from '../types.js';

/**
 * The URL grammar of one Bitbucket Server / Data Center instance, which may live below a base
 * path (`https://host/bitbucket/projects/...`).
 */
export interface BitbucketServerGrammar {
  parseUrl(url: string): ScmLocation | undefined;
  /** `<web base>/projects/<P>/repos/<r>/browse/<path>[?at=<ref>]` (`/users/<u>/...` for `~u`). */
  browseUrl(location: Pick<ScmLocation, 'owner' | 'repo' | 'ref' | 'path'>): string;
  resolveUrl(options: { url: string; base: string; lineNumber?: number }): string;
  resolveEditUrl(url: string): string;
}

/**
 * Create the grammar of the instance whose web pages are below `webBaseUrl` (e.g.
 * `https://git.example.com/bitbucket`): `.../projects/<P>/repos/<r>` (kind `repo`),
 * `.../browse/<path>?at=<ref>` (`blob`, or `tree` when the path is empty or ends with `/`) and
 * `.../raw/<path>?at=<ref>` (`raw`), as Backstage parses them; personal repositories
 * `.../users/<u>/repos/<r>` have the owner `~<u>`, as the REST API names them.
 */
export function createBitbucketServerGrammar(options: { host: string; webBaseUrl: string }): BitbucketServerGrammar {
  const web = new URL(options.webBaseUrl);
  const basePath = web.pathname.replace(/\/+$/, '');

  const parseUrl = (url: string): ScmLocation | undefined => {
    let parsed: URL;
    if (hasDotSegment(url)) return undefined;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol !== web.protocol || parsed.host !== options.host || parsed.username || parsed.password) return undefined;
    if (basePath && !parsed.pathname.startsWith(`${basePath}/`)) return undefined;
    const decoded = decodePathSegments(parsed.pathname.slice(basePath.length));
    if (!decoded) return undefined;
    const [scope, key, repos, repo, kind, ...rest] = decoded.segments;
    if ((scope !== 'projects' && scope !== 'users') || !key || repos !== 'repos' || !repo) return undefined;
    const owner = scope === 'users' ? `~${key}` : key;
    const at = parsed.searchParams.get('at') || undefined;
    const base = { type: 'bitbucketServer' as const, host: options.host, owner, repo, ref: at };
    if (kind === undefined) return { ...base, path: '', kind: 'repo' };
    const path = rest.join('/');
    if (kind === 'raw') return path ? { ...base, path, kind: 'raw' } : undefined;
    if (kind !== 'browse') return undefined;
    return { ...base, path, kind: path === '' || decoded.trailingSlash ? 'tree' : 'blob' };
  };

  const browseUrl: BitbucketServerGrammar['browseUrl'] = (location) => {
    const scope = location.owner.startsWith('~') ? `users/${encodeURIComponent(location.owner.slice(1))}` : `projects/${encodeURIComponent(location.owner)}`;
    const url = new URL(`${web.origin}${basePath}/${scope}/repos/${encodeURIComponent(location.repo)}/browse/${encodePath(location.path)}`);
    if (location.ref) url.searchParams.set('at', location.ref);
    return url.toString();
  };

  return {
    parseUrl,
    browseUrl,
    // Backstage's resolveUrl: relative within the repository, the base's query (`?at=`) kept, `#<line>`.
    resolveUrl({ url, base, lineNumber }) {
      if (URL.canParse(url)) return url;
      const location = parseUrl(base);
      if (!location) return new URL(url, base).toString();
      const path = resolveRepoPath(location.kind === 'tree' ? `${location.path}/` : location.path, url);
      const resolved = new URL(browseUrl({ ...location, path }));
      resolved.search = new URL(base).search;
      if (lineNumber) resolved.hash = String(lineNumber);
      return resolved.toString();
    },
    // Bitbucket Server has no deep link into its editor; Backstage returns the URL unchanged.
    resolveEditUrl: (url) => url,
  };
}
