import { InputError, type Logger } from '@portalkit/core';
import type { ScmIntegrations } from '@portalkit/integrations';
import type { EntityProvider } from '../processing/provider.js';
import { createGithubDiscoveryProvider } from '../providers/github-discovery.js';
import { createGithubOrgProvider } from '../providers/github-org.js';
import { createGitlabDiscoveryProvider } from '../providers/gitlab-discovery.js';
import { createLdapOrgProvider } from '../providers/ldap/index.js';
import type { CatalogConfig } from './catalog-config.js';
import { providerScheduleConfigSchema, type ProviderSchedule } from './schedule.js';

/**
 * A provider built from config, with the run loop its `schedule` asks for (GitHub providers
 * have no timer of their own; GitLab and LDAP take `intervalMs`).
 */
export interface ConfiguredProvider {
  provider: EntityProvider;
  /** Run every `frequency` ms while the catalog runs. */
  every?: { frequency: number; run(): Promise<unknown> };
}

type Providers = NonNullable<CatalogConfig['providers']>;

function byId<T extends object>(value: T | Record<string, T> | undefined, singleKey: string): Array<[string, T]> {
  if (!value) return [];
  return singleKey in value ? [['default', value as T]] : Object.entries(value as Record<string, T>);
}

/**
 * The catalog's providers named in `catalog.providers`, built with the package's own factories.
 * @example
 * ```ts
 * const configured = providersFromConfig(section.providers, { integrations, logger });
 * ```
 */
export function providersFromConfig(
  providers: Providers | undefined,
  { integrations, logger }: { integrations: ScmIntegrations; logger: Logger },
): ConfiguredProvider[] {
  if (!providers) return [];
  const out: ConfiguredProvider[] = [];
  for (const [id, config] of byId(providers.github, 'organization')) {
    const { schedule, validateLocationsExist: _ignored, ...options } = config;
    const provider = createGithubDiscoveryProvider({ ...options, integrations, id, logger: logger.child({ provider: `github:${id}` }) });
    out.push({ provider, ...(schedule ? { every: { frequency: schedule.frequency, run: () => provider.run() } } : {}) });
  }
  const orgs = providers.githubOrg === undefined ? [] : Array.isArray(providers.githubOrg) ? providers.githubOrg : [providers.githubOrg];
  for (const config of orgs) {
    const host = new URL(config.githubUrl).host;
    for (const organization of config.orgs) {
      const id = config.orgs.length === 1 ? config.id : `${config.id}-${organization}`;
      const provider = createGithubOrgProvider({ integrations, host, organization, id, logger: logger.child({ provider: `githubOrg:${id}` }) });
      out.push({ provider, ...(config.schedule ? { every: { frequency: config.schedule.frequency, run: () => provider.run() } } : {}) });
    }
  }
  for (const [id, config] of byId(providers.gitlab, 'host')) {
    const { schedule, ...rest } = config;
    out.push({
      provider: createGitlabDiscoveryProvider({
        id,
        integrations,
        config: rest,
        ...(schedule ? { intervalMs: schedule.frequency } : {}),
        logger: logger.child({ provider: `gitlab:${id}` }),
      }),
    });
  }
  for (const [id, config] of Object.entries(providers.ldapOrg ?? {})) {
    const schedule = ldapSchedule(id, config.schedule);
    out.push({
      provider: createLdapOrgProvider({
        id,
        config,
        ...(schedule ? { intervalMs: schedule.frequency } : {}),
        logger: logger.child({ provider: `ldapOrg:${id}` }),
      }),
    });
  }
  return out;
}

function ldapSchedule(id: string, schedule: unknown): ProviderSchedule | undefined {
  if (schedule === undefined) return undefined;
  const parsed = providerScheduleConfigSchema.safeParse(schedule);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(`catalog.providers.ldapOrg.${id}.schedule${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
}
