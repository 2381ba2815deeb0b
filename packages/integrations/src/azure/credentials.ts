import { InputError } from '@portalkit/core';
import type { AzureIntegrationConfig } from '../config.js';

/**
 * The personal access token for an organization: the `credentials[]` entry listing it, else the
 * entry without `organizations` (the default), else the deprecated top-level `token`
 * (Backstage's `DefaultAzureDevOpsCredentialsProvider` order). Two defaults, or an organization
 * listed twice, is an `InputError` at creation.
 * @example
 * ```ts
 * const tokenFor = createAzureTokens({ host: 'dev.azure.com', credentials: [{ organizations: ['acme'], personalAccessToken: 'pat' }] });
 * tokenFor('acme'); // 'pat'
 * ```
 */
export function createAzureTokens(config: AzureIntegrationConfig): (organization: string) => string | undefined {
  const byOrganization = new Map<string, string>();
  let fallback: string | undefined;
  for (const credential of config.credentials ?? []) {
    if (!credential.organizations || credential.organizations.length === 0) {
      if (fallback !== undefined) throw new InputError(`integrations.azure (${config.host ?? 'dev.azure.com'}): more than one credential without organizations`);
      fallback = credential.personalAccessToken;
      continue;
    }
    for (const organization of credential.organizations) {
      const key = organization.toLowerCase();
      if (byOrganization.has(key)) throw new InputError(`integrations.azure (${config.host ?? 'dev.azure.com'}): organization ${organization} has more than one credential`);
      byOrganization.set(key, credential.personalAccessToken);
    }
  }
  fallback ??= config.token;
  return (organization) => byOrganization.get(organization.toLowerCase()) ?? fallback;
}
