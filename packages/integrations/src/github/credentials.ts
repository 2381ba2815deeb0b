import type { GithubIntegrationConfig } from '../config.js';
import { createGithubApp, type GithubApp } from './app.js';

/**
 * Credentials for one GitHub owner, as Backstage's `GithubCredentials`: an installation token
 * of a GitHub App installed for the owner (`type: 'app'`), else the integration's token
 * (`type: 'token'`), else none (anonymous; `token` and `headers` undefined).
 * @example
 * ```ts
 * declare const credentials: GithubCredentials;
 * await fetch('https://api.github.com/user', { headers: credentials.headers });
 * ```
 */
export interface GithubCredentials {
  type: 'app' | 'token';
  token?: string;
  /** `{ Authorization: 'Bearer <token>' }`, or undefined without a token. */
  headers?: Record<string, string>;
}

/**
 * Picks credentials per owner: the first configured app installed for it, else the token.
 * @example
 * ```ts
 * const provider = createGithubCredentialsProvider({ config, apiBaseUrl: 'https://api.github.com', fetch });
 * const { token } = await provider.forOwner('acme');
 * ```
 */
export interface GithubCredentialsProvider {
  forOwner(owner: string): Promise<GithubCredentials>;
}

/**
 * A {@link GithubCredentialsProvider} for one integration's config.
 * @example
 * ```ts
 * const provider = createGithubCredentialsProvider({ config: { host: 'github.com', token: 'ghp_x' }, apiBaseUrl: 'https://api.github.com', fetch });
 * ```
 */
export function createGithubCredentialsProvider(options: { config: GithubIntegrationConfig; apiBaseUrl: string; fetch: typeof fetch }): GithubCredentialsProvider {
  const apps: GithubApp[] = (options.config.apps ?? []).map((app) => createGithubApp({ app, apiBaseUrl: options.apiBaseUrl, fetch: options.fetch }));
  const withToken = (type: GithubCredentials['type'], token: string | undefined): GithubCredentials =>
    token ? { type, token, headers: { Authorization: `Bearer ${token}` } } : { type };
  return {
    async forOwner(owner) {
      for (const app of apps) {
        const installation = await app.tokenFor(owner);
        if (installation) return withToken('app', installation.token);
      }
      return withToken('token', options.config.token);
    },
  };
}
