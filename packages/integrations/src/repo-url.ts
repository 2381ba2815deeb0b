import { InputError } from '@portalkit/core';
import type { ScmIntegrations } from './integrations.js';
import type { ScmIntegrationType } from './types.js';

/**
 * A scaffolder `repoUrl` (`github.com?owner=acme&repo=web`) taken apart.
 * @example
 * ```ts
 * const repo: ParsedRepoUrl = { type: 'github', host: 'github.com', owner: 'acme', repo: 'web' };
 * ```
 */
export interface ParsedRepoUrl {
  type: ScmIntegrationType;
  host: string;
  repo: string;
  owner?: string;
  organization?: string;
  workspace?: string;
  project?: string;
}

/**
 * Parse the `repoUrl` input of publish actions in Backstage's format (the `RepoUrlPicker`'s
 * output): `<host>?owner=<owner>&repo=<repo>` plus `organization`, `workspace` and `project`
 * where a host needs them (Bitbucket Cloud: workspace + project; Bitbucket Server and Azure:
 * project). The host must be a configured integration; a missing part is an `InputError`
 * naming it, as Backstage's `parseRepoUrl` does.
 *
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * parseRepoUrl('github.com?owner=acme&repo=web', integrations); // { type: 'github', host: 'github.com', owner: 'acme', repo: 'web' }
 * ```
 */
export function parseRepoUrl(repoUrl: string, integrations: ScmIntegrations): ParsedRepoUrl {
  if (typeof repoUrl !== 'string' || /[\s/\\@#]/.test(repoUrl.split('?')[0] ?? '')) {
    throw new InputError(`Invalid repo URL passed to publisher: ${JSON.stringify(String(repoUrl).slice(0, 200))}, expected <host>?owner=<owner>&repo=<repo>`);
  }
  let parsed: URL;
  try {
    parsed = new URL(`https://${repoUrl}`);
  } catch {
    throw new InputError(`Invalid repo URL passed to publisher: ${JSON.stringify(repoUrl.slice(0, 200))}`);
  }
  const host = parsed.host;
  const param = (name: string) => parsed.searchParams.get(name)?.trim() || undefined;
  const integration = integrations.byHost(host);
  if (!integration) throw new InputError(`No matching integration configuration for host ${host}, please check your integrations config`);
  const result: ParsedRepoUrl = { type: integration.type, host, repo: param('repo') ?? '' };
  for (const key of ['owner', 'organization', 'workspace', 'project'] as const) {
    const value = param(key);
    if (value !== undefined) result[key] = value;
  }
  const need = (key: keyof ParsedRepoUrl) => {
    if (!result[key]) throw new InputError(`Invalid repo URL passed to publisher: ${repoUrl}, missing ${key}`);
  };
  if (integration.type === 'bitbucketCloud') {
    need('workspace');
    need('project');
  } else if (integration.type === 'bitbucketServer' || integration.type === 'azure') {
    need('project');
  } else {
    need('owner');
  }
  need('repo');
  // Each part becomes a path segment of an API call or a remote URL: nothing may change which.
  for (const key of ['repo', 'owner', 'organization', 'workspace', 'project'] as const) {
    const value = result[key];
    if (value !== undefined && !/^[\w.-]+(\/[\w.-]+)*$/.test(value)) {
      throw new InputError(`Invalid repo URL passed to publisher: ${key} ${JSON.stringify(value.slice(0, 100))} has characters a repository path cannot have`);
    }
    if (value?.split('/').some((segment) => segment === '.' || segment === '..')) throw new InputError(`Invalid repo URL passed to publisher: ${key} has a dot segment`);
  }
  return result;
}
