import { InputError } from '@portalkit/core';
import { isSafeSegment } from '../repo-path.js';
import { safeTreePath } from '../tree/index.js';
import type { ScmLocation } from '../types.js';

/**
 * Where a Gitea host lives: its `host` (as configured) and the base URL of its web UI and API
 * (`https://<host>` unless `baseUrl` says otherwise, e.g. `https://example.com/gitea`).
 */
export interface GiteaSite {
  host: string;
  baseUrl: string;
}

const KINDS = new Set(['branch', 'tag', 'commit']);

/**
 * Parse a Gitea URL with Backstage's grammar: `<base>/<owner>/<repo>/src/branch/<ref>/<path>`
 * (also `src/tag`, `src/commit`), the same with `raw` (raw file), `<base>/<owner>/<repo>/_edit/<ref>/<path>`
 * (edit page) and `<base>/<owner>/<repo>[.git]` (the repository). `undefined` for anything else,
 * including unsafe owners, repositories and paths.
 * @example
 * ```ts
 * parseGiteaUrl({ host: 'gitea.example.com', baseUrl: 'https://gitea.example.com' }, 'https://gitea.example.com/acme/web/src/branch/main/catalog-info.yaml');
 * ```
 */
export function parseGiteaUrl(site: GiteaSite, url: string): ScmLocation | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const base = new URL(site.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (parsed.origin !== base.origin || parsed.username || parsed.password || !parsed.pathname.startsWith(`${prefix}/`)) return undefined;
  let parts: string[];
  try {
    parts = parsed.pathname.slice(prefix.length + 1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [owner, rawRepo, action, ...rest] = parts;
  const repo = action === undefined ? rawRepo?.replace(/\.git$/, '') : rawRepo;
  if (!isSafeSegment(owner) || !isSafeSegment(repo)) return undefined;
  const location = { type: 'gitea' as const, host: site.host, owner, repo };
  if (action === undefined || (action === '' && rest.length === 0)) return { ...location, ref: undefined, path: '', kind: 'repo' };
  let ref: string | undefined;
  let pathParts: string[];
  if ((action === 'src' || action === 'raw') && KINDS.has(rest[0] ?? '')) {
    ref = rest[1];
    pathParts = rest.slice(2);
  } else if (action === '_edit') {
    ref = rest[0];
    pathParts = rest.slice(1);
  } else return undefined;
  if (!ref || /[\0-\x1f\\]/.test(ref) || ref === '.' || ref === '..') return undefined;
  const trailingSlash = pathParts.length > 0 && pathParts[pathParts.length - 1] === '';
  const joined = pathParts.filter(Boolean).join('/');
  let path = '';
  if (joined) {
    try {
      path = safeTreePath(joined);
    } catch {
      return undefined;
    }
  }
  const kind = action === 'raw' ? 'raw' : action === '_edit' ? 'edit' : path === '' || trailingSlash ? 'tree' : 'blob';
  return { ...location, ref, path, kind };
}

/**
 * Parse a URL that must be a Gitea file or directory URL with a ref; anything else is an
 * `InputError` naming the expected shape.
 * @example
 * ```ts
 * requireGiteaLocation(site, 'https://gitea.example.com/acme/web/src/branch/main/docs');
 * ```
 */
export function requireGiteaLocation(site: GiteaSite, url: string): ScmLocation & { ref: string } {
  const location = parseGiteaUrl(site, url);
  if (!location || location.ref === undefined) {
    throw new InputError(`not a Gitea file or directory URL: expected ${site.baseUrl}/<owner>/<repo>/src/branch/<ref>/<path>`);
  }
  return location as ScmLocation & { ref: string };
}

/**
 * The web URL of a location (`src/branch/<ref>/<path>`; `_edit/<ref>/<path>` for `kind: 'edit'`).
 * @example
 * ```ts
 * formatGiteaUrl(site, { type: 'gitea', host: site.host, owner: 'acme', repo: 'web', ref: 'main', path: 'docs', kind: 'tree' });
 * ```
 */
export function formatGiteaUrl(site: GiteaSite, location: Pick<ScmLocation, 'owner' | 'repo' | 'ref' | 'path' | 'kind'>): string {
  const encode = (value: string) => value.split('/').map(encodeURIComponent).join('/');
  const repoUrl = `${site.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}`;
  if (location.ref === undefined) return repoUrl;
  const head = location.kind === 'edit' ? `_edit/${encodeURIComponent(location.ref)}` : `${location.kind === 'raw' ? 'raw' : 'src'}/branch/${encodeURIComponent(location.ref)}`;
  return `${repoUrl}/${head}${location.path ? `/${encode(location.path)}` : ''}`;
}

/**
 * The URL of a location's ref root (`<base>/<owner>/<repo>/src/tag/v1`, as written in `url`, so
 * tags and commits stay what they were) and the location itself; `undefined` when `url` is not
 * a Gitea URL with a ref.
 * @example
 * ```ts
 * splitGiteaUrl(site, 'https://gitea.example.com/acme/web/src/tag/v1/docs/index.md')?.root; // '.../acme/web/src/tag/v1'
 * ```
 */
export function splitGiteaUrl(site: GiteaSite, url: string): { root: string; location: ScmLocation & { ref: string } } | undefined {
  const location = parseGiteaUrl(site, url);
  if (!location || location.ref === undefined) return undefined;
  const parsed = new URL(url);
  const prefix = new URL(site.baseUrl).pathname.replace(/\/+$/, '');
  const raw = parsed.pathname.slice(prefix.length + 1).split('/');
  const count = location.kind === 'edit' ? 4 : 5;
  return { root: `${parsed.origin}${prefix}/${raw.slice(0, count).join('/')}`, location: location as ScmLocation & { ref: string } };
}
