import type { Gitlab } from '@gitbeaker/rest';
import { basicAuthorization } from '../git-cli/push-directory.js';
import type { GitlabIntegrationConfig } from '../config.js';
import { createHostFetch } from '../host-fetch.js';
import type { HostIntegrationOptions } from '../host-options.js';
import type { ScmIntegration } from '../types.js';
import { createGitlabClient } from './client.js';
import { createGitlabReader } from './reader.js';
import { createGitlabUrlGrammar } from './url-grammar.js';

/**
 * A configured GitLab instance (gitlab.com or self-managed): the URL grammar and reader of
 * {@link ScmIntegration}, plus what publish actions and discovery need.
 * @example
 * ```ts
 * declare const integration: GitlabIntegration;
 * const project = await integration.client().Projects.show('acme/platform/web');
 * ```
 */
export interface GitlabIntegration extends ScmIntegration {
  type: 'gitlab';
  /** Web and git base, e.g. `https://gitlab.com` or `https://example.com/gitlab` (no trailing `/`). */
  baseUrl: string;
  /** REST base, e.g. `https://gitlab.com/api/v4`. */
  apiBaseUrl: string;
  /** True when the config has a token. */
  hasToken: boolean;
  /** A Gitbeaker client on this host's fetch, with the configured token or `token` (a template's own). */
  client(token?: string): Gitlab;
  /** Headers for git smart HTTP (`pushDirectory`): basic `oauth2:<token>`; `undefined` without a token. */
  gitHeaders(token?: string): Record<string, string> | undefined;
  /** `<baseUrl>/<project path>.git` */
  remoteUrl(projectPath: string): string;
}

/**
 * The GitLab integration of one `integrations.gitlab[]` entry. `baseUrl` defaults to
 * `https://<host>`, `apiBaseUrl` to `<baseUrl>/api/v4` (Backstage: `https://<host>/api/v4`).
 * Every request (Gitbeaker's and the raw downloads) goes through a host fetch limited to those
 * origins, so a redirect elsewhere is a `NotAllowedError`.
 *
 * @example
 * ```ts
 * const gitlab = createGitlabIntegration({ host: 'gitlab.example.com', token: 'glpat-example' });
 * gitlab.parseUrl('https://gitlab.example.com/acme/platform/web/-/blob/main/catalog-info.yaml')?.owner; // 'acme/platform'
 * ```
 */
export function createGitlabIntegration(config: GitlabIntegrationConfig, options: HostIntegrationOptions = {}): GitlabIntegration {
  const baseUrl = (config.baseUrl ?? `https://${config.host}`).replace(/\/+$/, '');
  const apiBaseUrl = (config.apiBaseUrl ?? `${baseUrl}/api/v4`).replace(/\/+$/, '');
  const hostFetch = createHostFetch({
    origins: [baseUrl, apiBaseUrl],
    ...(config.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const grammar = createGitlabUrlGrammar({ host: config.host, baseUrl });
  const what = `GitLab ${config.host}`;
  // A template's own token (Backstage: the user's OAuth token from RepoUrlPicker) goes as Bearer,
  // which GitLab accepts for OAuth and personal access tokens alike; the configured one as PRIVATE-TOKEN.
  const client = (token?: string) =>
    createGitlabClient({ apiBaseUrl, fetch: hostFetch, auth: token ? { oauthToken: token } : config.token ? { token: config.token } : undefined, what });
  const defaultClient = client();
  const limits = {
    ...(config.maxTreeBytes ? { maxBytes: config.maxTreeBytes } : {}),
    ...(config.maxTreeFiles ? { maxFiles: config.maxTreeFiles } : {}),
  };
  return {
    type: 'gitlab',
    host: config.host,
    title: `GitLab (${config.host})`,
    baseUrl,
    apiBaseUrl,
    hasToken: Boolean(config.token),
    parseUrl: grammar.parse,
    resolveUrl: grammar.resolveUrl,
    resolveEditUrl: grammar.resolveEditUrl,
    reader: createGitlabReader({ host: config.host, apiBaseUrl, grammar, client: defaultClient, fetch: hostFetch, token: config.token, limits }),
    client: (token) => (token === undefined ? defaultClient : client(token)),
    gitHeaders(token) {
      const secret = token ?? config.token;
      return secret ? { Authorization: basicAuthorization('oauth2', secret) } : undefined;
    },
    remoteUrl: (projectPath) => `${baseUrl}/${projectPath.split('/').map(encodeURIComponent).join('/')}.git`,
  };
}

/**
 * True for integrations made by {@link createGitlabIntegration}.
 * @example
 * ```ts
 * declare const integrations: import('../integrations.js').ScmIntegrations;
 * const gitlab = integrations.list().find(isGitlabIntegration);
 * ```
 */
export function isGitlabIntegration(integration: ScmIntegration | undefined): integration is GitlabIntegration {
  return integration?.type === 'gitlab' && typeof (integration as Partial<GitlabIntegration>).client === 'function';
}
