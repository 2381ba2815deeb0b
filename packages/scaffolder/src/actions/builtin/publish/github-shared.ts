import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotAllowedError, ServiceUnavailableError } from '@portalkit/core';
import { githubIntegrationFor, parseRepoUrl, type GithubIntegration, type ScmIntegrations } from '@portalkit/integrations';
import type { ActionContext } from '../../../types.js';
import { findGitMetadata } from '../../gitMetadata.js';
import { resolveSafeChildPath } from '../../resolveSafeChildPath.js';

/** The owner, repository and GitHub integration a `repoUrl` names. */
export interface GithubTarget {
  integration: GithubIntegration;
  host: string;
  owner: string;
  repo: string;
}

/** Parse `repoUrl` (Backstage's `host?owner=o&repo=r`) for a configured GitHub host. */
export function githubTarget(repoUrl: string, integrations: ScmIntegrations, action: string): GithubTarget {
  const parsed = parseRepoUrl(repoUrl, integrations);
  if (parsed.type !== 'github') throw new InputError(`${action}: ${parsed.host} is a ${parsed.type} host, not GitHub`);
  if (!parsed.owner) throw new InputError(`${action}: invalid repository owner provided in repoUrl`);
  if (parsed.owner.includes('/')) throw new InputError(`${action}: a GitHub owner is one path segment, got ${JSON.stringify(parsed.owner)}`);
  return { integration: githubIntegrationFor(integrations, parsed.host), host: parsed.host, owner: parsed.owner, repo: parsed.repo };
}

/**
 * The directory to publish (`sourcePath` inside the workspace), refusing one that is missing or
 * holds a `.git` entry: git's own metadata could configure the git that pushes it.
 */
export async function publishSource(ctx: ActionContext<{ sourcePath?: string | undefined }>, action: string): Promise<string> {
  const sourcePath = ctx.input.sourcePath;
  const source = sourcePath ? resolveSafeChildPath(ctx.workspacePath, sourcePath) : ctx.workspacePath;
  if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw new InputError(`${action}: ${sourcePath ?? '.'} is not a directory in the workspace`);
  const gitEntry = await findGitMetadata(source);
  if (gitEntry) {
    const shown = sourcePath ? path.posix.join(sourcePath, gitEntry) : gitEntry;
    throw new NotAllowedError(`${action} refuses to publish a workspace containing ${shown}: a .git entry could configure git`);
  }
  return source;
}

/**
 * A URL the API returned that the action will send credentials to or hand on (clone and web
 * URLs): it must be on the integration's host and scheme, so a response cannot redirect the token
 * or downgrade it to plain HTTP.
 */
export function onIntegrationHost(url: unknown, target: GithubTarget, what: string): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  // The scheme must be the integration's own (its API's): an `http:` URL from an HTTPS host would
  // send the token in clear text.
  const scheme = new URL(target.integration.apiBaseUrl).protocol;
  if (!parsed || parsed.protocol !== scheme || parsed.host.toLowerCase() !== target.host.toLowerCase() || parsed.username || parsed.password) {
    throw new ServiceUnavailableError(`GitHub ${target.host} returned a ${what} on another host or scheme; refusing to use it`);
  }
  return parsed.toString();
}
