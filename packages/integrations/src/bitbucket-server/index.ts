import { InputError } from '@portalkit/core';
import { type BitbucketHttp, createBitbucketHttp } from '../bitbucket-common/http.js';
import type { BitbucketServerIntegrationConfig } from '../config.js';
import { createHostFetch } from '../host-fetch.js';
import type { HostIntegrationOptions } from '../host-options.js';
import { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES } from '../tree/archive.js';
import type { ScmIntegration } from '../types.js';
import { bitbucketServerErrorMessage } from './api-types.js';
import { bitbucketServerAuthorization } from './credentials.js';
import { createBitbucketServerGrammar } from './grammar.js';
import { createBitbucketServerReader } from './reader.js';

const API_PATH = '/rest/api/1.0';

/**
 * A Bitbucket Server / Data Center integration, with what publish actions need beyond reading.
 * @example
 * ```ts
 * declare const integration: BitbucketServerIntegration;
 * const response = await integration.fetch(`${integration.apiBaseUrl}/projects/ACME/repos/web`, {
 *   headers: { authorization: integration.authorization() ?? '' },
 * });
 * ```
 */
export interface BitbucketServerIntegration extends ScmIntegration {
  type: 'bitbucketServer';
  /** `https://<host>/rest/api/1.0`, or the configured `apiBaseUrl`. */
  apiBaseUrl: string;
  /** Where web pages and clones live: the `apiBaseUrl` without `/rest/api/1.0` (keeps a base path). */
  webBaseUrl: string;
  /**
   * The host's REST API with the integration's credentials (an explicit `authorization` header
   * wins, e.g. for a template's token); failures are typed errors without credentials in them.
   */
  http: BitbucketHttp;
  /** The integration's fetch: only this instance's origin, redirects checked, private network as configured. */
  fetch: typeof fetch;
  /** `Authorization` for API calls and git over HTTP(S); `token` (a template's input) replaces the configured credentials. */
  authorization(token?: string): string | undefined;
}

/**
 * Whether an integration is a Bitbucket Server one (and so has its extended interface).
 * @example
 * ```ts
 * declare const integrations: import('../integrations.js').ScmIntegrations;
 * const server = integrations.byHost('git.example.com');
 * if (isBitbucketServerIntegration(server)) console.log(server.apiBaseUrl);
 * ```
 */
export function isBitbucketServerIntegration(integration: ScmIntegration | undefined): integration is BitbucketServerIntegration {
  return integration?.type === 'bitbucketServer' && typeof (integration as Partial<BitbucketServerIntegration>).authorization === 'function';
}

/**
 * Create a Bitbucket Server / Data Center integration (`integrations.bitbucketServer[]`): URL
 * grammar of `https://<host>[/<base>]/projects/<P>/repos/<r>/browse/<path>?at=<ref>`, a reader
 * over the REST API 1.0 (`raw`, `archive`), credentials `token` (Bearer) or `username` +
 * `password` (basic), as Backstage's BitbucketServerIntegration. The base path of an instance
 * below a path comes from `apiBaseUrl` (`https://host/bitbucket/rest/api/1.0`).
 *
 * @example
 * ```ts
 * const server = createBitbucketServerIntegration({ host: 'git.example.com', token: 'http-access-token' });
 * server.parseUrl('https://git.example.com/projects/ACME/repos/web/browse/catalog-info.yaml?at=refs/heads/main')?.ref;
 * ```
 */
export function createBitbucketServerIntegration(config: BitbucketServerIntegrationConfig, options: HostIntegrationOptions = {}): BitbucketServerIntegration {
  if (Boolean(config.username) !== Boolean(config.password) && !config.token) {
    throw new InputError(`createBitbucketServerIntegration: ${config.host}: username and password are set together or not at all`);
  }
  const apiBaseUrl = (config.apiBaseUrl ?? `https://${config.host}${API_PATH}`).replace(/\/+$/, '');
  const api = new URL(apiBaseUrl);
  if (api.host !== config.host) {
    throw new InputError(`createBitbucketServerIntegration: apiBaseUrl ${api.origin} is not on the host ${config.host}`);
  }
  const webBaseUrl = apiBaseUrl.endsWith(API_PATH) ? apiBaseUrl.slice(0, -API_PATH.length) : api.origin;
  const hostFetch = createHostFetch({
    origins: [api.origin],
    ...(config.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const credentials = { token: config.token, username: config.username, password: config.password };
  const authorization = (token?: string) => bitbucketServerAuthorization(token ? { token } : credentials);
  const grammar = createBitbucketServerGrammar({ host: config.host, webBaseUrl });
  const http = createBitbucketHttp({ fetch: hostFetch, authorization: () => authorization(), title: `Bitbucket Server ${config.host}`, errorMessage: bitbucketServerErrorMessage });
  return {
    type: 'bitbucketServer',
    host: config.host,
    title: `Bitbucket Server (${config.host})`,
    apiBaseUrl,
    webBaseUrl,
    fetch: hostFetch,
    http,
    authorization,
    parseUrl: grammar.parseUrl,
    resolveUrl: grammar.resolveUrl,
    resolveEditUrl: grammar.resolveEditUrl,
    reader: createBitbucketServerReader({
      http,
      grammar,
      apiBaseUrl,
      host: config.host,
      limits: { maxBytes: config.maxTreeBytes ?? DEFAULT_MAX_TREE_BYTES, maxFiles: config.maxTreeFiles ?? DEFAULT_MAX_TREE_FILES },
    }),
  };
}
