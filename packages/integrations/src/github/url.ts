import { isIP } from 'node:net';
import { InputError } from '@portalkit/core';
import type { GithubIntegrationConfig } from '../config.js';
import type { ScmLocation } from '../types.js';

/**
 * Where one GitHub host lives: its web host, API, raw files and archive downloads.
 * @example
 * ```ts
 * const endpoints = githubEndpoints({ host: 'github.com' });
 * endpoints.apiBaseUrl; // 'https://api.github.com'
 * ```
 */
export interface GithubEndpoints {
  host: string;
  dotCom: boolean;
  apiBaseUrl: string;
  rawBaseUrl: string;
  /** Origins the archive API may redirect to. */
  archiveOrigins: string[];
}

/**
 * The endpoints of a configured host, as Backstage derives them: github.com's API is
 * api.github.com and its raw files raw.githubusercontent.com; an Enterprise host serves its API at
 * `https://<host>/api/v3` and raw files at `https://<host>/raw`. Config overrides both.
 * @example
 * ```ts
 * githubEndpoints({ host: 'ghe.example.com' }).apiBaseUrl; // 'https://ghe.example.com/api/v3'
 * ```
 */
export function githubEndpoints(config: Pick<GithubIntegrationConfig, 'host' | 'apiBaseUrl' | 'rawBaseUrl' | 'codeloadBaseUrl'>): GithubEndpoints {
  const dotCom = config.host === 'github.com';
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    host: config.host,
    dotCom,
    apiBaseUrl: trim(config.apiBaseUrl ?? (dotCom ? 'https://api.github.com' : `https://${config.host}/api/v3`)),
    rawBaseUrl: trim(config.rawBaseUrl ?? (dotCom ? 'https://raw.githubusercontent.com' : `https://${config.host}/raw`)),
    archiveOrigins: [new URL(config.codeloadBaseUrl ?? (dotCom ? 'https://codeload.github.com' : defaultCodeload(config.host))).origin],
  };
}

/**
 * An Enterprise host's archive origin: `codeload.<host>` (subdomain isolation), or the host itself
 * when it is an IP address (`codeload.10.0.0.5` is no host name, and `new URL` would throw).
 */
function defaultCodeload(host: string): string {
  const name = host.replace(/:\d+$/, '');
  return isIP(name.replace(/^\[|\]$/g, '')) ? `https://${host}` : `https://codeload.${host}`;
}

/** Path segments of a URL, percent-decoded, each checked to be a plain name (no `.`, `..`, `/`). */
function segmentsOf(pathname: string, url: string): string[] {
  const raw = pathname.split('/').filter((segment, i, all) => !(segment === '' && (i === 0 || i === all.length - 1)));
  return raw.map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new InputError(`${safeUrl(url)} has a malformed percent-encoding`);
    }
    if (decoded === '' || decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) {
      throw new InputError(`${safeUrl(url)} has an unsafe path segment ${JSON.stringify(decoded)}`);
    }
    return decoded;
  });
}

/**
 * Parse a URL of this GitHub host: `https://<host>/<owner>/<repo>[/(blob|tree|edit|raw)/<ref>/<path>]`,
 * raw URLs (`https://raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>` for github.com,
 * `https://<host>/raw/<owner>/<repo>/<ref>/<path>` for Enterprise, or under `rawBaseUrl`).
 * A ref is taken as the one segment after `blob`/`tree`; the reader resolves refs containing `/`
 * through the API. Anything else is an `InputError`.
 * @example
 * ```ts
 * parseGithubUrl('https://github.com/acme/web/blob/main/docs/index.md', githubEndpoints({ host: 'github.com' }));
 * // { owner: 'acme', repo: 'web', ref: 'main', path: 'docs/index.md', kind: 'blob', ... }
 * ```
 */
export function parseGithubUrl(url: string, endpoints: GithubEndpoints): ScmLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`not a URL: ${safeUrl(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new InputError(`${safeUrl(url)} is not an http(s) URL`);
  if (parsed.username || parsed.password) throw new InputError(`refusing a URL with credentials in it (${parsed.host})`);
  const base = { type: 'github' as const, host: endpoints.host };
  const raw = new URL(endpoints.rawBaseUrl);
  const rawPrefix = raw.pathname.replace(/\/+$/, '');
  if (parsed.host === raw.host && (parsed.pathname === rawPrefix || parsed.pathname.startsWith(`${rawPrefix}/`))) {
    const [owner, repo, ref, ...path] = segmentsOf(parsed.pathname.slice(rawPrefix.length), url);
    if (!owner || !repo || !ref || path.length === 0) throw new InputError(`${safeUrl(url)} is not a raw file URL of ${endpoints.host}`);
    return { ...base, owner, repo: stripGit(repo), ref, path: path.join('/'), kind: 'raw' };
  }
  if (parsed.host.toLowerCase() !== endpoints.host.toLowerCase()) throw new InputError(`${safeUrl(url)} is not a URL of ${endpoints.host}`);
  const [owner, repo, kind, ref, ...path] = segmentsOf(parsed.pathname, url);
  if (!owner || !repo) throw new InputError(`${safeUrl(url)} names no repository (expected /<owner>/<repo>/...)`);
  if (kind === undefined) return { ...base, owner, repo: stripGit(repo), ref: undefined, path: '', kind: 'repo' };
  if (kind !== 'blob' && kind !== 'tree' && kind !== 'edit' && kind !== 'raw') {
    throw new InputError(`${safeUrl(url)} is not a blob, tree, edit or raw URL of ${endpoints.host}`);
  }
  if (!ref) throw new InputError(`${safeUrl(url)} names no branch, tag or commit`);
  return { ...base, owner, repo: stripGit(repo), ref, path: path.join('/'), kind };
}

const stripGit = (repo: string) => repo.replace(/\.git$/, '');

/**
 * The web URL of a location (`blob` for files, `tree` for directories), on `origin` (the
 * scheme and host the caller used).
 * @example
 * ```ts
 * formatGithubUrl('https://github.com', { owner: 'acme', repo: 'web', ref: 'main', path: 'a.md' }, 'blob');
 * ```
 */
export function formatGithubUrl(origin: string, location: { owner: string; repo: string; ref: string; path: string }, kind: 'blob' | 'tree' | 'edit'): string {
  const encode = (path: string) => path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  const tail = location.path ? `/${encode(location.path)}` : '';
  return `${origin}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}/${kind}/${encode(location.ref)}${tail}`;
}

/** A URL for messages: origin and path only (never a query, which may carry a token). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}
