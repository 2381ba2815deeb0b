import { InputError } from '@portalkit/core';
import type { GitIntegrationConfig } from '../config.js';
import type { HostIntegrationOptions } from '../host-options.js';
import { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES } from '../tree/archive.js';
import type { ScmIntegration } from '../types.js';
import { gitAuthHeaders } from './credentials.js';
import { createGitReader } from './reader.js';
import { createGitUrlGrammar } from './url.js';

/**
 * A plain git remote integration (`integrations.git[]`), with what `publish:git` needs to push.
 * @example
 * ```ts
 * declare const integration: GitIntegration;
 * const remoteUrl = integration.cloneUrl({ owner: 'team', repo: 'app' }); // https://git.example.com/team/app.git
 * ```
 */
export interface GitIntegration extends ScmIntegration {
  type: 'git';
  /** `https://host[:port][/prefix]`: every repository's clone URL starts with it. */
  baseUrl: string;
  /** The clone URL of `<owner>/<repo>` (owner: the directories before the repository, may be empty). */
  cloneUrl(location: { owner: string; repo: string }): string;
  /** HTTP headers that authenticate to this host (`{}` without credentials); never log them. */
  authHeaders(): Record<string, string>;
  /** Refuse (`NotAllowedError`) when the host resolves to an internal address and `allowPrivateNetwork` is off. */
  checkNetwork(): Promise<void>;
}

/**
 * True when `integration` is a plain git remote integration.
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const integration = integrations.byHost('git.example.com');
 * if (integration && isGitIntegration(integration)) integration.cloneUrl({ owner: 'team', repo: 'app' });
 * ```
 */
export function isGitIntegration(integration: ScmIntegration): integration is GitIntegration {
  return integration.type === 'git' && typeof (integration as Partial<GitIntegration>).cloneUrl === 'function';
}

/** Largest single file `read` returns unless `maxTreeBytes` is smaller. */
const DEFAULT_MAX_READ_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 120_000;

/**
 * A plain git remote over smart HTTP(S): URL grammar `<clone URL>[/blob|tree/<ref>/<path>]`,
 * reads through the git CLI (ls-remote, a depth-1 partial fetch into a temporary repository,
 * cat-file / archive / ls-tree), credentials as a basic `Authorization` header in git's
 * environment, and no host resolving to an internal address unless `allowPrivateNetwork`.
 *
 * @example
 * ```ts
 * const git = createGitIntegration({ host: 'git.example.com', username: 'bot', password: 'secret' });
 * const { buffer } = await git.reader.read('https://git.example.com/team/app.git/blob/main/catalog-info.yaml');
 * ```
 */
export function createGitIntegration(config: GitIntegrationConfig, _options: HostIntegrationOptions = {}): GitIntegration {
  const baseUrl = (config.baseUrl ?? `https://${config.host}`).replace(/\/+$/, '');
  const base = new URL(baseUrl);
  if (base.host.toLowerCase() !== config.host.toLowerCase()) {
    throw new InputError(`createGitIntegration: baseUrl ${base.origin} is not on host ${config.host}`);
  }
  if (base.username || base.password || base.search || base.hash) {
    throw new InputError(`createGitIntegration: baseUrl of ${config.host} must not hold credentials, a query or a fragment`);
  }
  const headers = gitAuthHeaders(config);
  const grammar = createGitUrlGrammar(baseUrl);
  const maxTreeBytes = config.maxTreeBytes ?? DEFAULT_MAX_TREE_BYTES;
  const reader = createGitReader({
    grammar,
    baseUrl,
    headers,
    allowPrivateNetwork: config.allowPrivateNetwork ?? false,
    maxTreeBytes,
    maxTreeFiles: config.maxTreeFiles ?? DEFAULT_MAX_TREE_FILES,
    maxReadBytes: Math.min(maxTreeBytes, DEFAULT_MAX_READ_BYTES),
    timeoutMs: TIMEOUT_MS,
  });

  return {
    type: 'git',
    host: config.host,
    title: `Git (${config.host})`,
    baseUrl,
    parseUrl(url) {
      const parts = grammar.parse(url);
      if (!parts) return undefined;
      const [ref, ...path] = parts.rest;
      return { type: 'git', host: config.host, owner: parts.owner, repo: parts.repo, ref, path: path.join('/'), kind: parts.kind };
    },
    resolveUrl: (options) => grammar.resolve(options),
    resolveEditUrl(url) {
      // Plain git has no web editor: the file's blob URL is the best there is.
      const parts = grammar.parse(url);
      if (!parts || parts.kind === 'repo') return url;
      const [ref = 'HEAD', ...path] = parts.rest;
      return grammar.format(parts.cloneUrl, 'blob', ref, path.join('/'));
    },
    reader: { canRead: reader.canRead, read: reader.read, readTree: reader.readTree, search: reader.search! },
    cloneUrl: ({ owner, repo }) => grammar.cloneUrl(owner, repo),
    authHeaders: () => ({ ...headers }),
    checkNetwork: reader.checkNetwork,
  };
}
