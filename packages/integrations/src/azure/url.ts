import { InputError } from '@portalkit/core';
import { safeTreePath } from '../tree/index.js';
import type { ScmLocation } from '../types.js';

/**
 * An Azure DevOps URL taken apart: the {@link ScmLocation} (`owner` is `<organization>/<project>`)
 * plus the organization and project on their own.
 * @example
 * ```ts
 * const location: AzureLocation = {
 *   type: 'azure', host: 'dev.azure.com', owner: 'acme/web', repo: 'web', ref: 'main', path: 'catalog-info.yaml', kind: 'blob',
 *   organization: 'acme', project: 'web',
 * };
 * ```
 */
export interface AzureLocation extends ScmLocation {
  /** The organization (`dev.azure.com/<org>`, `<org>.visualstudio.com`) or a server's collection path (`tfs/DefaultCollection`). */
  organization: string;
  project: string;
}

/** True for `<org>.visualstudio.com`, where the organization is in the host name (as Backstage's `isVisualStudioDomain`). */
export function isVisualStudioHost(host: string): boolean {
  return /^[^.]+\.visualstudio\.com$/i.test(host.replace(/:\d+$/, ''));
}

// Azure names: no separators or control characters (project names may hold spaces).
const name = (value: string | undefined): value is string => !!value && !/[/\\?#%\0-\x1f]/.test(value) && value !== '.' && value !== '..';

/**
 * Parse an Azure DevOps repository URL with Backstage's grammar (`AzureUrl.fromRepoUrl`):
 * `https://dev.azure.com/<org>/<project>/_git/<repo>?path=/<path>&version=GB<branch>`, also
 * `<org>/_git/<repo>` (project named as the repository), `https://<org>.visualstudio.com/<project>/_git/<repo>`
 * and a server's `https://<host>/<collection>/<org>/<project>/_git/<repo>`. Only branch versions
 * (`GB`) are understood, as in Backstage; `undefined` for anything else or another host.
 * @example
 * ```ts
 * parseAzureUrl('dev.azure.com', 'https://dev.azure.com/acme/web/_git/web?path=/catalog-info.yaml&version=GBmain');
 * ```
 */
export function parseAzureUrl(host: string, url: string): AzureLocation | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.host.toLowerCase() !== host.toLowerCase() || parsed.username || parsed.password) return undefined;
  let parts: string[];
  try {
    parts = parsed.pathname.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let organization: string | undefined;
  let project: string | undefined;
  let repo: string | undefined;
  let extra: string[];
  if (isVisualStudioHost(parsed.host) && parts[2] === '_git') {
    [organization, project, repo, extra] = [parsed.host.split('.')[0], parts[1], parts[3], parts.slice(4)];
  } else if (parts[2] === '_git') {
    [organization, project, repo, extra] = [parts[1], parts[3], parts[3], parts.slice(4)];
  } else if (parts[3] === '_git') {
    [organization, project, repo, extra] = [parts[1], parts[2], parts[4], parts.slice(5)];
  } else if (parts[4] === '_git') {
    if (!name(parts[1])) return undefined;
    [organization, project, repo, extra] = [`${parts[1]}/${parts[2]}`, parts[3], parts[5], parts.slice(6)];
  } else return undefined;
  if (!organization || !organization.split('/').every(name) || !name(project) || !name(repo) || extra.some(Boolean)) return undefined;

  const version = parsed.searchParams.get('version');
  if (version !== null && (!version.startsWith('GB') || version.length < 3 || /[\0-\x1f\\]/.test(version))) return undefined;
  const rawPath = parsed.searchParams.get('path');
  let path = '';
  if (rawPath !== null && rawPath.replace(/\/+/g, '') !== '') {
    try {
      path = safeTreePath(rawPath.replace(/^\/+/, ''));
    } catch {
      return undefined;
    }
  }
  const kind = rawPath === null ? 'repo' : path === '' || rawPath.endsWith('/') ? 'tree' : 'blob';
  return { type: 'azure', host, owner: `${organization}/${project}`, repo, ref: version ? version.slice(2) : undefined, path, kind, organization, project };
}

/**
 * Parse a URL that must be an Azure DevOps repository URL; anything else is an `InputError`
 * saying why (a version other than a branch is named as such, as Backstage does).
 * @example
 * ```ts
 * requireAzureLocation('dev.azure.com', 'https://dev.azure.com/acme/web/_git/web?path=/docs');
 * ```
 */
export function requireAzureLocation(host: string, url: string): AzureLocation {
  const location = parseAzureUrl(host, url);
  if (location) return location;
  let version: string | null = null;
  try {
    version = new URL(url).searchParams.get('version');
  } catch {
    // reported below
  }
  if (version && !version.startsWith('GB')) throw new InputError('Azure URL version must point to a git branch (GB<branch>)');
  throw new InputError(`not an Azure DevOps repository URL: expected https://${host}/<organization>/<project>/_git/<repo>?path=/<path>&version=GB<branch>`);
}

/**
 * The web URL of a repository location, in Backstage's `toRepoUrl` form (`path` then `version`).
 * @example
 * ```ts
 * formatAzureUrl('dev.azure.com', { organization: 'acme', project: 'web', repo: 'web', ref: 'main', path: 'docs' });
 * ```
 */
export function formatAzureUrl(host: string, location: { organization: string; project: string; repo: string; ref?: string | undefined; path?: string | undefined }): string {
  const encode = (value: string) => value.split('/').map(encodeURIComponent).join('/');
  const segments = isVisualStudioHost(host)
    ? [location.project, '_git', location.repo]
    : location.project === location.repo
      ? [location.organization, '_git', location.repo]
      : [location.organization, location.project, '_git', location.repo];
  const url = new URL(`https://${host}/${segments.map(encode).join('/')}`);
  if (location.path !== undefined) url.searchParams.set('path', `/${location.path}`);
  if (location.ref) url.searchParams.set('version', `GB${location.ref}`);
  return url.toString();
}
