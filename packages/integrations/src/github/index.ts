import { InputError } from '@portalkit/core';
import { Octokit } from '@octokit/rest';
import { type GithubIntegrationConfig, githubIntegrationConfigSchema } from '../config.js';
import { createHostFetch } from '../host-fetch.js';
import type { HostIntegrationOptions } from '../host-options.js';
import { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES } from '../tree/archive.js';
import type { ScmIntegration } from '../types.js';
import { createGithubCredentialsProvider } from './credentials.js';
import { createGithubReader } from './reader.js';
import { resolveGithubEditUrl, resolveGithubUrl } from './resolve-url.js';
import type { GithubIntegration } from './types.js';
import { githubEndpoints, parseGithubUrl } from './url.js';

export type { GithubCredentials } from './credentials.js';
export type { GithubIntegration } from './types.js';

/**
 * The integration of one GitHub host (Backstage's `integrations.github[]` entry): URL grammar of
 * github.com or an Enterprise host, credentials (token or GitHub Apps), Octokit clients and a
 * reader (contents API, tarball API, git trees API). Every request goes through a host fetch
 * limited to the API, raw and archive origins; a host resolving to an internal address needs
 * `allowPrivateNetwork`. Invalid config is an `InputError` naming the key.
 * @example
 * ```ts
 * const github = createGithubIntegration({ host: 'github.com', token: process.env.GITHUB_TOKEN });
 * const { buffer } = await github.reader.read('https://github.com/acme/web/blob/main/catalog-info.yaml');
 * ```
 */
export function createGithubIntegration(config: GithubIntegrationConfig, options: HostIntegrationOptions = {}): GithubIntegration {
  const parsed = githubIntegrationConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`createGithubIntegration: ${issue.path.join('.') || 'config'}: ${issue.message}`);
  }
  const valid = parsed.data;
  const endpoints = githubEndpoints(valid);
  const hostFetch = createHostFetch({
    origins: [endpoints.apiBaseUrl, endpoints.rawBaseUrl, ...endpoints.archiveOrigins],
    allowPrivateNetwork: valid.allowPrivateNetwork ?? false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const credentials = createGithubCredentialsProvider({ config: valid, apiBaseUrl: endpoints.apiBaseUrl, fetch: hostFetch });
  const parse = (url: string) => parseGithubUrl(url, endpoints);
  const log = {
    debug() {},
    info() {},
    warn: (message: string) => options.logger?.warn(message),
    error: (message: string) => options.logger?.error(message),
  };
  const octokitFor = async (owner: string) => {
    const { token } = await credentials.forOwner(owner);
    return new Octokit({ baseUrl: endpoints.apiBaseUrl, ...(token ? { auth: token } : {}), userAgent: 'portalkit', request: { fetch: hostFetch }, log });
  };

  return {
    type: 'github',
    host: valid.host,
    title: `GitHub (${valid.host})`,
    apiBaseUrl: endpoints.apiBaseUrl,
    rawBaseUrl: endpoints.rawBaseUrl,
    fetch: hostFetch,
    parseUrl(url) {
      try {
        return parse(url);
      } catch {
        return undefined;
      }
    },
    resolveUrl: (resolveOptions) => resolveGithubUrl(resolveOptions, endpoints),
    resolveEditUrl: (url) => resolveGithubEditUrl(url),
    getCredentials: (target) => credentials.forOwner('owner' in target ? target.owner : parse(target.url).owner),
    octokitFor,
    reader: createGithubReader({
      parse,
      octokitFor,
      limits: { maxBytes: valid.maxTreeBytes ?? DEFAULT_MAX_TREE_BYTES, maxFiles: valid.maxTreeFiles ?? DEFAULT_MAX_TREE_FILES },
    }),
  };
}

/**
 * Whether an integration is a {@link GithubIntegration} (with credentials and Octokit).
 * @example
 * ```ts
 * const github = integrations.list().find(isGithubIntegration);
 * ```
 */
export function isGithubIntegration(integration: ScmIntegration | undefined): integration is GithubIntegration {
  return integration?.type === 'github' && typeof (integration as Partial<GithubIntegration>).octokitFor === 'function';
}
