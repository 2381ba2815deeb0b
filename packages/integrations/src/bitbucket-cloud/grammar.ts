import { decodePathSegments, encodePath, hasDotSegment, resolveRepoPath } from '../bitbucket-common/url-path.js';
import type { ScmLocation } from '../types.js';

/** Bitbucket Cloud's one web host. */
export const BITBUCKET_CLOUD_HOST = 'bitbucket.org';

/**
 * Parse a Bitbucket Cloud URL as Backstage does: `https://bitbucket.org/<workspace>/<repo>`,
 * `.../src/<ref>/<path>` (a file, or a directory when the path is empty or ends with `/`) and
 * `.../raw/<ref>/<path>`. Anything else, another host, credentials in the URL, or a hostile
 * path segment (`..`, encoded `/` or `\`, NUL) is `undefined`.
 */
export function parseBitbucketCloudUrl(url: string): ScmLocation | undefined {
  let parsed: URL;
  if (hasDotSegment(url)) return undefined;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.host !== BITBUCKET_CLOUD_HOST || parsed.username || parsed.password) return undefined;
  const decoded = decodePathSegments(parsed.pathname);
  if (!decoded) return undefined;
  const [owner, repo, kind, ref, ...rest] = decoded.segments;
  if (!owner || !repo) return undefined;
  const base = { type: 'bitbucketCloud' as const, host: BITBUCKET_CLOUD_HOST, owner, repo };
  if (kind === undefined) return { ...base, ref: undefined, path: '', kind: 'repo' };
  if ((kind !== 'src' && kind !== 'raw') || !ref) return undefined;
  const path = rest.join('/');
  if (kind === 'raw') return path ? { ...base, ref, path, kind: 'raw' } : undefined;
  return { ...base, ref, path, kind: path === '' || decoded.trailingSlash ? 'tree' : 'blob' };
}

/**
 * The web URL of a file or directory: `https://bitbucket.org/<ws>/<repo>/src/<ref>/<path>`.
 * @example
 * ```ts
 * bitbucketCloudSrcUrl({ owner: 'acme', repo: 'web', ref: 'main', path: 'catalog-info.yaml' });
 * ```
 */
export function bitbucketCloudSrcUrl(location: Pick<ScmLocation, 'owner' | 'repo' | 'ref' | 'path'>, ref = location.ref ?? 'HEAD'): string {
  const path = encodePath(location.path);
  return `https://${BITBUCKET_CLOUD_HOST}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}/src/${encodeURIComponent(ref)}/${path}`;
}

/**
 * Backstage's `resolveUrl` for Bitbucket Cloud: an absolute URL is returned unchanged; a relative
 * one resolves within the base's repository and ref; a line number becomes `#lines-<n>`.
 */
export function resolveBitbucketCloudUrl(options: { url: string; base: string; lineNumber?: number }): string {
  if (URL.canParse(options.url)) return options.url;
  const base = parseBitbucketCloudUrl(options.base);
  if (!base) return new URL(options.url, options.base).toString();
  const path = resolveRepoPath(base.kind === 'tree' ? `${base.path}/` : base.path, options.url);
  // A `/src/<ref>` base without a path resolves like a directory.
  const resolved = new URL(bitbucketCloudSrcUrl({ ...base, path }, base.ref ?? 'HEAD'));
  resolved.search = new URL(options.base).search;
  if (options.lineNumber) resolved.hash = `lines-${options.lineNumber}`;
  return resolved.toString();
}

/** Backstage's edit URL for Bitbucket Cloud: the file URL with `mode=edit&spa=0&at=<ref>`. */
export function resolveBitbucketCloudEditUrl(url: string): string {
  const location = parseBitbucketCloudUrl(url);
  if (!location || !location.ref) return url;
  const edit = new URL(url);
  edit.searchParams.set('mode', 'edit');
  edit.searchParams.set('spa', '0');
  edit.searchParams.set('at', location.ref);
  return edit.toString();
}
