import { InputError, NotAllowedError } from '@portalkit/core';
import type { AzureIntegrationConfig } from '../config.js';
import { basicAuthorization } from '../git-cli/index.js';
import { createHostFetch } from '../host-fetch.js';
import type { HostIntegrationOptions } from '../host-options.js';
import { isAbsoluteUrl, resolveRepoPath } from '../repo-path.js';
import type { ScmIntegration } from '../types.js';
import { type AzureClient, createAzureClient } from './client.js';
import { createAzureTokens } from './credentials.js';
import { createAzureReader } from './reader.js';
import { parseAzureUrl } from './url.js';

/**
 * An Azure DevOps host: the {@link ScmIntegration} plus what `publish:azure` needs.
 * @example
 * ```ts
 * declare const integration: ScmIntegration;
 * if (isAzureIntegration(integration)) await integration.client.createRepository('acme', 'web', 'service');
 * ```
 */
export interface AzureIntegration extends ScmIntegration {
  type: 'azure';
  /** Where API and git requests go (`apiBaseUrl`, default `https://<host>`). */
  apiBaseUrl: string;
  client: AzureClient;
  /** The personal access token of an organization (`credentials[].organizations`, then the default). */
  tokenFor(organization: string): string | undefined;
  /**
   * The git remote to push to for a `remoteUrl` the API returned: on this host (user name
   * dropped, re-rooted on `apiBaseUrl`); any other host is a `NotAllowedError`, so a host's
   * answer cannot send the token elsewhere.
   */
  gitRemote(remoteUrl: string): string;
  /** Basic-auth headers for git with `token` (default: the organization's PAT). */
  gitHeaders(organization: string, token?: string): Record<string, string>;
}

/**
 * True when `integration` is an Azure DevOps host.
 * @example
 * ```ts
 * declare const integration: ScmIntegration;
 * if (isAzureIntegration(integration)) integration.tokenFor('acme');
 * ```
 */
export function isAzureIntegration(integration: ScmIntegration | undefined): integration is AzureIntegration {
  return integration?.type === 'azure' && 'client' in integration;
}

/**
 * The integration of one Azure DevOps host (`integrations.azure[]`): Backstage's URL grammar
 * (`https://dev.azure.com/<org>/<project>/_git/<repo>?path=/x&version=GB<branch>`,
 * `<org>.visualstudio.com`, servers' collections), a reader through the Git items API on a host
 * fetch limited to the host's (or `apiBaseUrl`'s) origin, and personal access tokens per
 * organization.
 * @example
 * ```ts
 * const azure = createAzureIntegration({ host: 'dev.azure.com', credentials: [{ organizations: ['acme'], personalAccessToken: 'pat' }] });
 * azure.parseUrl('https://dev.azure.com/acme/web/_git/web?path=/catalog-info.yaml');
 * ```
 */
export function createAzureIntegration(config: AzureIntegrationConfig, options: HostIntegrationOptions = {}): AzureIntegration {
  const host = config.host ?? 'dev.azure.com';
  const apiBaseUrl = (config.apiBaseUrl ?? `https://${host}`).replace(/\/+$/, '');
  const tokenFor = createAzureTokens(config);
  const hostFetch = createHostFetch({
    origins: [new URL(apiBaseUrl).origin],
    ...(config.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const client = createAzureClient({ host, apiBaseUrl, fetch: hostFetch, tokenFor });
  const limits = { ...(config.maxTreeBytes ? { maxBytes: config.maxTreeBytes } : {}), ...(config.maxTreeFiles ? { maxFiles: config.maxTreeFiles } : {}) };

  return {
    type: 'azure',
    host,
    title: host,
    apiBaseUrl,
    client,
    tokenFor,
    gitRemote(remoteUrl) {
      let url: URL;
      try {
        url = new URL(remoteUrl);
      } catch {
        throw new InputError(`${host}: the host returned an invalid remote URL`);
      }
      const api = new URL(apiBaseUrl);
      if (url.host.toLowerCase() !== host.toLowerCase() && url.origin !== api.origin) throw new NotAllowedError(`${host}: the host returned a remote on another host (${url.origin})`);
      return `${api.origin}${api.pathname.replace(/\/+$/, '')}${url.pathname}`;
    },
    gitHeaders(organization, token): Record<string, string> {
      const pat = token ?? tokenFor(organization);
      // Backstage pushes with the user name `notempty` and the PAT as password.
      return pat ? { Authorization: basicAuthorization('notempty', pat) } : {};
    },
    parseUrl: (url) => parseAzureUrl(host, url),
    resolveUrl({ url, base, lineNumber }) {
      if (isAbsoluteUrl(url)) return url;
      const location = parseAzureUrl(host, base);
      if (!location) return new URL(url, base).toString();
      const rawPath = new URL(base).searchParams.get('path') ?? '';
      const path = resolveRepoPath({ base: location.path, baseIsDirectory: rawPath === '' || rawPath.endsWith('/'), relative: url.split(/[?#]/)[0] ?? '' });
      const resolved = new URL(base);
      resolved.searchParams.set('path', `/${path}`);
      if (lineNumber) {
        resolved.searchParams.set('line', String(lineNumber));
        resolved.searchParams.set('lineEnd', String(lineNumber + 1));
        resolved.searchParams.set('lineStartColumn', '1');
        resolved.searchParams.set('lineEndColumn', '1');
      }
      return resolved.toString();
    },
    // Backstage has no edit URL for Azure DevOps either: the view URL is returned.
    resolveEditUrl: (url) => url,
    reader: createAzureReader({ host, client, limits }),
  };
}
