import type { GiteaIntegrationConfig } from '../config.js';
import { basicAuthorization } from '../git-cli/index.js';
import { createHostFetch } from '../host-fetch.js';
import type { HostIntegrationOptions } from '../host-options.js';
import { isAbsoluteUrl, resolveRepoPath } from '../repo-path.js';
import type { ScmIntegration } from '../types.js';
import { createGiteaClient, type GiteaClient, giteaAuthHeaders } from './client.js';
import { createGiteaReader } from './reader.js';
import { type GiteaSite, parseGiteaUrl, splitGiteaUrl } from './url.js';

/**
 * A Gitea host: the {@link ScmIntegration} plus what the `publish:gitea` action needs.
 * @example
 * ```ts
 * declare const integration: ScmIntegration;
 * if (isGiteaIntegration(integration)) await integration.client.repository('acme', 'web');
 * ```
 */
export interface GiteaIntegration extends ScmIntegration {
  type: 'gitea';
  /** Base URL of the web UI, the API (`<baseUrl>/api/v1`) and git remotes (`<baseUrl>/<owner>/<repo>.git`). */
  baseUrl: string;
  /** The configured user name (repositories under it are created as the user's own). */
  username: string | undefined;
  /** The API client (gitea-js on the host fetch, with the configured credentials). */
  client: GiteaClient;
  /** Headers authenticating git over HTTP (basic auth), `{}` without credentials. */
  gitHeaders(): Record<string, string>;
}

/**
 * True when `integration` is a Gitea host.
 * @example
 * ```ts
 * declare const integration: ScmIntegration;
 * if (isGiteaIntegration(integration)) console.log(integration.baseUrl);
 * ```
 */
export function isGiteaIntegration(integration: ScmIntegration | undefined): integration is GiteaIntegration {
  return integration?.type === 'gitea' && 'client' in integration;
}

/**
 * The integration of one Gitea host (`integrations.gitea[]`): Backstage's URL grammar
 * (`<base>/<owner>/<repo>/src/branch/<ref>/<path>`, `raw/`, `_edit/`), a reader through the
 * Gitea API (`gitea-js` on a host fetch limited to `baseUrl`'s origin), and basic-auth
 * credentials (`username` + `password`, or `password` alone sent as `token`).
 * @example
 * ```ts
 * const gitea = createGiteaIntegration({ host: 'gitea.example.com', username: 'bot', password: process.env.GITEA_PASSWORD });
 * gitea.resolveEditUrl('https://gitea.example.com/acme/web/src/branch/main/catalog-info.yaml');
 * ```
 */
export function createGiteaIntegration(config: GiteaIntegrationConfig, options: HostIntegrationOptions = {}): GiteaIntegration {
  const baseUrl = (config.baseUrl ?? `https://${config.host}`).replace(/\/+$/, '');
  const site: GiteaSite = { host: config.host, baseUrl };
  const hostFetch = createHostFetch({
    origins: [new URL(baseUrl).origin],
    ...(config.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const limits = { ...(config.maxTreeBytes ? { maxBytes: config.maxTreeBytes } : {}), ...(config.maxTreeFiles ? { maxFiles: config.maxTreeFiles } : {}) };
  const client = createGiteaClient({ baseUrl, host: config.host, fetch: hostFetch, maxBytes: limits.maxBytes ?? 100 * 1024 * 1024, headers: giteaAuthHeaders(config) });

  return {
    type: 'gitea',
    host: config.host,
    title: config.host,
    baseUrl,
    username: config.username,
    client,
    gitHeaders: (): Record<string, string> => (config.password ? { Authorization: basicAuthorization(config.username ?? 'oauth2', config.password) } : {}),
    parseUrl: (url) => parseGiteaUrl(site, url),
    resolveUrl({ url, base, lineNumber }) {
      if (isAbsoluteUrl(url)) return url;
      const split = splitGiteaUrl(site, base);
      if (!split) return new URL(url, base).toString();
      const { location } = split;
      const path = resolveRepoPath({ base: location.path, baseIsDirectory: location.kind === 'tree', relative: url.split(/[?#]/)[0] ?? '' });
      const encoded = path ? `/${path.split('/').map(encodeURIComponent).join('/')}` : '';
      return `${split.root}${encoded}${lineNumber ? `#L${lineNumber}` : ''}`;
    },
    resolveEditUrl(url) {
      const location = parseGiteaUrl(site, url);
      if (!location || location.ref === undefined) return url;
      const path = location.path ? `/${location.path.split('/').map(encodeURIComponent).join('/')}` : '';
      return `${baseUrl}/${encodeURIComponent(location.owner)}/${encodeURIComponent(location.repo)}/_edit/${encodeURIComponent(location.ref)}${path}`;
    },
    reader: createGiteaReader({ site, client, limits }),
  };
}
