import { InputError } from '@portalkit/core';
import { type BitbucketHttp, createBitbucketHttp } from '../bitbucket-common/http.js';
import type { BitbucketCloudIntegrationConfig } from '../config.js';
import { createHostFetch } from '../host-fetch.js';
import type { HostIntegrationOptions } from '../host-options.js';
import { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES } from '../tree/archive.js';
import type { ScmIntegration } from '../types.js';
import { bitbucketCloudErrorMessage } from './api-types.js';
import { bitbucketCloudApiAuthorization, bitbucketCloudGitAuthorization } from './credentials.js';
import { BITBUCKET_CLOUD_HOST, parseBitbucketCloudUrl, resolveBitbucketCloudEditUrl, resolveBitbucketCloudUrl } from './grammar.js';
import { createBitbucketCloudReader } from './reader.js';

const DEFAULT_API_BASE_URL = 'https://api.bitbucket.org/2.0';
const DEFAULT_WEB_BASE_URL = `https://${BITBUCKET_CLOUD_HOST}`;

/**
 * The Bitbucket Cloud integration, with what publish actions need beyond reading.
 * @example
 * ```ts
 * declare const integration: BitbucketCloudIntegration;
 * const response = await integration.fetch(`${integration.apiBaseUrl}/repositories/acme/web`, {
 *   headers: { authorization: integration.apiAuthorization() ?? '' },
 * });
 * ```
 */
export interface BitbucketCloudIntegration extends ScmIntegration {
  type: 'bitbucketCloud';
  /** `https://api.bitbucket.org/2.0`, or the configured `apiBaseUrl`. */
  apiBaseUrl: string;
  /** Where web pages, archives and clones live: `https://bitbucket.org` (the `apiBaseUrl`'s origin when that is not Atlassian's). */
  webBaseUrl: string;
  /**
   * The host's REST API with the integration's credentials (an explicit `authorization` header
   * wins, e.g. for a template's token); failures are typed errors without credentials in them.
   */
  http: BitbucketHttp;
  /** The integration's fetch: only its API and web origins, redirects checked, private network as configured. */
  fetch: typeof fetch;
  /** `Authorization` for API calls; `token` (a template's input) replaces the configured credentials. */
  apiAuthorization(token?: string): string | undefined;
  /** `Authorization` for git over HTTPS (`pushDirectory`'s headers); `token` as above. */
  gitAuthorization(token?: string): string | undefined;
}

/**
 * Whether an integration is Bitbucket Cloud's (and so has its extended interface).
 * @example
 * ```ts
 * declare const integrations: import('../integrations.js').ScmIntegrations;
 * const cloud = integrations.list().find(isBitbucketCloudIntegration);
 * ```
 */
export function isBitbucketCloudIntegration(integration: ScmIntegration | undefined): integration is BitbucketCloudIntegration {
  return integration?.type === 'bitbucketCloud' && typeof (integration as Partial<BitbucketCloudIntegration>).gitAuthorization === 'function';
}

/**
 * Create the Bitbucket Cloud integration (`integrations.bitbucketCloud[]`): URL grammar of
 * `https://bitbucket.org/<workspace>/<repo>/src/<ref>/<path>`, a reader over the REST API 2.0
 * and tar.gz archives, credentials `username` + `appPassword` (basic) or an access `token`
 * (Bearer), as Backstage's BitbucketCloudIntegration.
 *
 * @example
 * ```ts
 * const cloud = createBitbucketCloudIntegration({ username: 'me', appPassword: 'app-password' });
 * cloud.parseUrl('https://bitbucket.org/acme/web/src/main/catalog-info.yaml')?.ref; // 'main'
 * ```
 */
export function createBitbucketCloudIntegration(config: BitbucketCloudIntegrationConfig, options: HostIntegrationOptions = {}): BitbucketCloudIntegration {
  if (Boolean(config.username) !== Boolean(config.appPassword)) {
    throw new InputError('createBitbucketCloudIntegration: username and appPassword are set together or not at all');
  }
  const apiBaseUrl = (config.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const apiOrigin = new URL(apiBaseUrl).origin;
  // A non-Atlassian API base is a proxy or a local contract server that serves the web paths too.
  const webBaseUrl = apiOrigin === new URL(DEFAULT_API_BASE_URL).origin ? DEFAULT_WEB_BASE_URL : apiOrigin;
  const hostFetch = createHostFetch({
    origins: [apiOrigin, webBaseUrl],
    ...(config.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const credentials = { username: config.username, appPassword: config.appPassword, token: config.token };
  const apiAuthorization = (token?: string) => bitbucketCloudApiAuthorization(token ? { token } : credentials);
  const http = createBitbucketHttp({
    fetch: hostFetch,
    authorization: () => apiAuthorization(),
    title: 'Bitbucket Cloud',
    errorMessage: bitbucketCloudErrorMessage,
  });
  return {
    type: 'bitbucketCloud',
    host: BITBUCKET_CLOUD_HOST,
    title: `Bitbucket Cloud (${BITBUCKET_CLOUD_HOST})`,
    apiBaseUrl,
    webBaseUrl,
    fetch: hostFetch,
    http,
    apiAuthorization,
    gitAuthorization: (token) => bitbucketCloudGitAuthorization(token ? { token } : credentials),
    parseUrl: parseBitbucketCloudUrl,
    resolveUrl: resolveBitbucketCloudUrl,
    resolveEditUrl: resolveBitbucketCloudEditUrl,
    reader: createBitbucketCloudReader({
      http,
      apiBaseUrl,
      webBaseUrl,
      limits: { maxBytes: config.maxTreeBytes ?? DEFAULT_MAX_TREE_BYTES, maxFiles: config.maxTreeFiles ?? DEFAULT_MAX_TREE_FILES },
    }),
  };
}
