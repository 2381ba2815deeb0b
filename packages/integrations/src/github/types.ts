import type { Octokit } from '@octokit/rest';
import type { ScmIntegration } from '../types.js';
import type { GithubCredentials } from './credentials.js';

/**
 * A GitHub host (github.com or Enterprise) with what publishers and providers need besides
 * the URL grammar and reader: credentials per repository owner and an Octokit for them.
 * @example
 * ```ts
 * declare const integration: GithubIntegration;
 * const octokit = await integration.octokitFor('acme');
 * await octokit.rest.repos.get({ owner: 'acme', repo: 'web' });
 * ```
 */
export interface GithubIntegration extends ScmIntegration {
  type: 'github';
  /** The REST API base, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  apiBaseUrl: string;
  /** The raw file base, e.g. `https://raw.githubusercontent.com`. */
  rawBaseUrl: string;
  /**
   * Credentials for the owner of `url`'s repository, or for `owner`: a GitHub App installation
   * token when an app is installed there (and allowed), else the configured token, else none.
   */
  getCredentials(target: { url: string } | { owner: string }): Promise<GithubCredentials>;
  /**
   * An Octokit for `owner` with its credentials, pointed at this host's API; its requests go
   * through the host fetch (configured origins only, credentials dropped on cross-origin redirects).
   */
  octokitFor(owner: string): Promise<Octokit>;
  /** The host fetch itself, for other clients of this host (e.g. GraphQL). */
  fetch: typeof fetch;
}
