import type { Octokit } from '@octokit/rest';
import { AuthenticationError, ConflictError, CustomErrorBase, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@portalkit/core';
import type { ScmIntegrations } from './integrations.js';
import type { ScmIntegration } from './types.js';

/**
 * What publish actions and catalog providers need from a GitHub integration: an API client and
 * a token for one owner's repositories (the configured token, or a GitHub App's installation
 * token for that owner). `createGithubIntegration` provides it.
 *
 * @example
 * ```ts
 * declare const access: GithubApiAccess;
 * const { octokit, token } = await access.forOwner({ owner: 'acme' });
 * ```
 */
export interface GithubApiAccess {
  /**
   * An Octokit for `owner` (its `fetch` limited to this host) and the token it uses; `token`
   * overrides the configured credentials (Backstage's `token` input of the GitHub actions).
   */
  forOwner(options: { owner: string; token?: string }): Promise<{ octokit: Octokit; token: string }>;
}

/**
 * A GitHub integration with API access.
 * @example
 * ```ts
 * declare const integration: GithubApiIntegration;
 * integration.type; // 'github'
 * ```
 */
export type GithubApiIntegration = ScmIntegration & { type: 'github' } & GithubApiAccess;

/**
 * Whether an integration is a GitHub integration with API access.
 * @example
 * ```ts
 * declare const integration: ScmIntegration;
 * if (hasGithubApi(integration)) await integration.forOwner({ owner: 'acme' });
 * ```
 */
export function hasGithubApi(integration: ScmIntegration | undefined): integration is GithubApiIntegration {
  return integration?.type === 'github' && typeof (integration as Partial<GithubApiAccess>).forOwner === 'function';
}

/**
 * The GitHub integration of `host` with API access; an `InputError` when none is configured.
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const github = githubIntegrationFor(integrations, 'github.com');
 * ```
 */
export function githubIntegrationFor(integrations: ScmIntegrations, host: string): GithubApiIntegration {
  const integration = integrations.byHost(host);
  if (!integration || integration.type !== 'github') throw new InputError(`No matching GitHub integration configuration for host ${host}, please check your integrations config`);
  if (!hasGithubApi(integration)) throw new InputError(`the integration of ${host} has no GitHub API access`);
  return integration;
}

interface RequestErrorLike {
  status?: number;
  cause?: unknown;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/**
 * Turn an Octokit failure into a typed error: 401 `AuthenticationError`, rate limits (403/429
 * with `x-ratelimit-remaining: 0` or `retry-after`) `ServiceUnavailableError` saying when to
 * retry, other 403 `NotAllowedError`, 404 `NotFoundError`, 409 `ConflictError`, 422 `InputError`,
 * anything else `ServiceUnavailableError`. Messages carry GitHub's message, never credentials.
 *
 * @example
 * ```ts
 * declare const octokit: Octokit;
 * await octokit.rest.repos.get({ owner: 'acme', repo: 'web' }).catch((error) => { throw githubApiError(error, 'reading acme/web'); });
 * ```
 */
export function githubApiError(error: unknown, doing: string): Error {
  const e = error as RequestErrorLike;
  if (error instanceof CustomErrorBase) return error;
  // Octokit wraps a failed fetch (e.g. the host fetch refusing a redirect) without a response.
  if (!e?.response && e?.cause instanceof CustomErrorBase) return e.cause;
  if (typeof e?.status !== 'number' || !e.response) return new ServiceUnavailableError(`GitHub: ${doing} failed: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}`);
  const headers = e.response?.headers ?? {};
  const data = e.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message.slice(0, 200) : `status ${e.status}`;
  const text = `GitHub: ${doing} failed: ${message}`;
  if (e.status === 401) return new AuthenticationError(text);
  if (e.status === 429 || (e.status === 403 && (String(headers['x-ratelimit-remaining']) === '0' || headers['retry-after'] !== undefined))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? `; retry after ${new Date(reset * 1000).toISOString()}` : '';
    return new ServiceUnavailableError(`GitHub: ${doing} was rate limited${when}`);
  }
  if (e.status === 403) return new NotAllowedError(text);
  if (e.status === 404) return new NotFoundError(text);
  if (e.status === 409) return new ConflictError(text);
  if (e.status === 422) return new InputError(text);
  return new ServiceUnavailableError(text);
}
