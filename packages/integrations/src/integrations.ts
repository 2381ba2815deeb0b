import { InputError, NotAllowedError, NotImplementedError, type UrlReader } from '@portalkit/core';
import { createAzureIntegration } from './azure/index.js';
import { createBitbucketCloudIntegration } from './bitbucket-cloud/index.js';
import { createBitbucketServerIntegration } from './bitbucket-server/index.js';
import { type IntegrationsConfig, integrationsConfigSchema } from './config.js';
import { createGitIntegration } from './git/index.js';
import { createGiteaIntegration } from './gitea/index.js';
import { createGithubIntegration } from './github/index.js';
import { createGitlabIntegration } from './gitlab/index.js';
import type { HostIntegrationOptions } from './host-options.js';
import type { ScmIntegration, ScmLocation } from './types.js';

/**
 * Every configured host, looked up by URL or host, with one reader over all of them.
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const { buffer } = await integrations.reader.read('https://github.com/acme/web/blob/main/catalog-info.yaml');
 * ```
 */
export interface ScmIntegrations {
  list(): ScmIntegration[];
  byHost(host: string): ScmIntegration | undefined;
  /** The integration whose host serves `url`, if one is configured. */
  byUrl(url: string): ScmIntegration | undefined;
  /** `url` parsed by the integration of its host, or `undefined`. */
  parseUrl(url: string): ScmLocation | undefined;
  /** Resolve `url` against `base` with the grammar of `base`'s host (plain URL resolution for other hosts). */
  resolveUrl(options: { url: string; base: string; lineNumber?: number }): string;
  /** The edit page of `url`, or `url` itself when no integration knows one. */
  resolveEditUrl(url: string): string;
  /** Reads URLs of every configured host; any other URL is a `NotAllowedError`. */
  reader: UrlReader;
  /** Top-level config keys that name hosts portalkit does not integrate with (ignored). */
  ignoredKeys: string[];
}

/**
 * Options of {@link createIntegrations}.
 * @example
 * ```ts
 * const options: IntegrationsOptions = { config: { github: [{ host: 'github.com', token: process.env.GITHUB_TOKEN }] } };
 * ```
 */
export interface IntegrationsOptions extends HostIntegrationOptions {
  /** The `integrations` section of app-config, in Backstage's shape. */
  config?: IntegrationsConfig;
  /** Further integrations built in code (asked first). */
  integrations?: ScmIntegration[];
}

const KNOWN_KEYS = new Set(['github', 'gitlab', 'bitbucketCloud', 'bitbucketServer', 'azure', 'gitea', 'git']);

/**
 * Build every integration of Backstage's `integrations` config. Only configured hosts are
 * read: there is no implicit github.com or gitlab.com. A host configured twice is an
 * `InputError`; invalid config is an `InputError` naming the key path.
 *
 * @example
 * ```ts
 * const integrations = createIntegrations({
 *   config: { github: [{ host: 'github.com', token: 'ghp_example' }], gitlab: [{ host: 'gitlab.com' }] },
 * });
 * integrations.byUrl('https://gitlab.com/group/sub/project/-/blob/main/catalog-info.yaml')?.type; // 'gitlab'
 * ```
 */
export function createIntegrations(options: IntegrationsOptions = {}): ScmIntegrations {
  const parsed = integrationsConfigSchema.safeParse(options.config ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`integrations.${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const hostOptions: HostIntegrationOptions = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.logger ? { logger: options.logger } : {}) };
  const all: ScmIntegration[] = [
    ...(options.integrations ?? []),
    ...(config.github ?? []).map((c) => createGithubIntegration(c, hostOptions)),
    ...(config.gitlab ?? []).map((c) => createGitlabIntegration(c, hostOptions)),
    ...(config.bitbucketCloud ?? []).map((c) => createBitbucketCloudIntegration(c, hostOptions)),
    ...(config.bitbucketServer ?? []).map((c) => createBitbucketServerIntegration(c, hostOptions)),
    ...(config.azure ?? []).map((c) => createAzureIntegration(c, hostOptions)),
    ...(config.gitea ?? []).map((c) => createGiteaIntegration(c, hostOptions)),
    ...(config.git ?? []).map((c) => createGitIntegration(c, hostOptions)),
  ];
  const byHost = new Map<string, ScmIntegration>();
  for (const integration of all) {
    const key = integration.host.toLowerCase();
    if (byHost.has(key)) throw new InputError(`integrations: host ${integration.host} is configured more than once`);
    byHost.set(key, integration);
  }

  const byUrl = (url: string): ScmIntegration | undefined => {
    let host: string;
    try {
      host = new URL(url).host.toLowerCase();
    } catch {
      return undefined;
    }
    return byHost.get(host) ?? all.find((integration) => integration.reader.canRead(url));
  };
  const pick = (url: string): ScmIntegration => {
    const integration = byUrl(url);
    if (!integration) throw new NotAllowedError(`no integration is configured for ${safeOrigin(url)}`);
    return integration;
  };

  return {
    list: () => [...all],
    byHost: (host) => byHost.get(host.toLowerCase()),
    byUrl,
    parseUrl: (url) => byUrl(url)?.parseUrl(url),
    resolveUrl: (resolveOptions) => {
      const integration = byUrl(resolveOptions.base);
      if (integration) return integration.resolveUrl(resolveOptions);
      return new URL(resolveOptions.url, resolveOptions.base).toString();
    },
    resolveEditUrl: (url) => byUrl(url)?.resolveEditUrl(url) ?? url,
    reader: {
      canRead: (url) => byUrl(url)?.reader.canRead(url) ?? false,
      read: async (url, readOptions) => pick(url).reader.read(url, readOptions),
      readTree: async (url, treeOptions) => pick(url).reader.readTree(url, treeOptions),
      search: async (url, searchOptions) => {
        const reader = pick(url).reader;
        if (!reader.search) throw new NotImplementedError(`searching ${safeOrigin(url)} is not supported`);
        return reader.search(url, searchOptions);
      },
    },
    ignoredKeys: Object.keys(config).filter((key) => !KNOWN_KEYS.has(key)),
  };
}

/** The origin of a URL for messages: never its path's query or credentials. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}
