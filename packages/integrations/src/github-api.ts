import { Octokit } from '@octokit/rest';
import { AuthenticationError, ConflictError, CustomErrorBase, InputError } from '@portalkit/core';
import { githubError } from './github/errors.js';
import { isGithubIntegration } from './github/index.js';
import type { GithubIntegration } from './github/types.js';
import type { ScmIntegrations } from './integrations.js';

/**
 * The GitHub integration of `host`; an `InputError` when none is configured (as Backstage's
 * publish actions say it).
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const github = githubIntegrationFor(integrations, 'github.com');
 * ```
 */
export function githubIntegrationFor(integrations: ScmIntegrations, host: string): GithubIntegration {
  const integration = integrations.byHost(host);
  if (!isGithubIntegration(integration)) throw new InputError(`No matching GitHub integration configuration for host ${host}, please check your integrations config`);
  return integration;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * An Octokit acting for `owner` and the token it uses (for git pushes): the integration's
 * credentials for that owner (its token, or a GitHub App's installation token), or `token`, a
 * user's token overriding them (Backstage's `token` input of the GitHub actions). Both go only
 * to the integration's origins. No credentials at all is an `AuthenticationError`.
 *
 * @example
 * ```ts
 * declare const github: GithubIntegration;
 * const { octokit, token } = await githubClientFor(github, { owner: 'acme' });
 * ```
 */
export async function githubClientFor(integration: GithubIntegration, options: { owner: string; token?: string }): Promise<{ octokit: Octokit; token: string }> {
  if (options.token) {
    return { octokit: new Octokit({ baseUrl: integration.apiBaseUrl, auth: options.token, userAgent: 'portalkit', request: { fetch: integration.fetch }, log: silent }), token: options.token };
  }
  const credentials = await integration.getCredentials({ owner: options.owner });
  if (!credentials.token) throw new AuthenticationError(`no credentials are configured for ${options.owner} on ${integration.host} (a token, or a GitHub App installed there)`);
  return { octokit: await integration.octokitFor(options.owner), token: credentials.token };
}

/**
 * Turn an Octokit failure of a write into a typed error: 409 `ConflictError`, 422 (validation)
 * `InputError` with GitHub's message; everything else as the GitHub reader types it (401
 * `AuthenticationError`, rate limits `ServiceUnavailableError` with the retry time, 403
 * `NotAllowedError`, 404 `NotFoundError`). Messages never carry credentials.
 *
 * @example
 * ```ts
 * declare const octokit: Octokit;
 * await octokit.rest.repos.get({ owner: 'acme', repo: 'web' }).catch((error) => { throw githubApiError(error, 'reading acme/web'); });
 * ```
 */
export function githubApiError(error: unknown, doing: string): Error {
  if (error instanceof CustomErrorBase) return error;
  const e = error as { status?: number; response?: { data?: { message?: unknown; errors?: Array<{ message?: unknown }> } } };
  if (e?.response && (e.status === 409 || e.status === 422)) {
    const data = e.response.data;
    const details = [data?.message, ...(data?.errors ?? []).map((d) => d?.message)].filter((m): m is string => typeof m === 'string').join('; ').slice(0, 300);
    const text = `GitHub: ${doing} failed: ${details || `status ${e.status}`}`;
    return e.status === 409 ? new ConflictError(text) : new InputError(text);
  }
  return githubError(error, doing);
}
