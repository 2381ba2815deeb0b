import { InputError } from '@portalkit/core';
import { githubIntegrationFor, type GithubIntegration, type ScmIntegrations } from '@portalkit/integrations';

/**
 * Which GitHub host a provider reads: one integration, or the configured ones and a host
 * (default `github.com`).
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const source: GithubProviderSource = { integrations, host: 'ghe.example.com' };
 * ```
 */
export type GithubProviderSource = { integration: GithubIntegration } | { integrations: ScmIntegrations; host?: string };

/** The integration of a provider's options (`host` defaults to github.com). */
export function providerIntegration(source: GithubProviderSource, factory: string): GithubIntegration {
  if ('integration' in source && source.integration) return source.integration;
  if (!('integrations' in source) || !source.integrations) throw new InputError(`${factory}: integrations or integration is required`);
  return githubIntegrationFor(source.integrations, source.host ?? 'github.com');
}

/** An organization name as a path segment of API calls. */
export function checkOrganization(organization: unknown, factory: string): string {
  if (typeof organization !== 'string' || !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(organization)) {
    throw new InputError(`${factory}: organization must be a GitHub organization name, got ${JSON.stringify(organization)}`);
  }
  return organization;
}
