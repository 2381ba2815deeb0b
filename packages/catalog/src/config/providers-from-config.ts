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
 * A provider built from config. Its `schedule` is the provider's own (the catalog runs it,
 * retrying failures with backoff).
 */
export interface ConfiguredProvider {
  provider: EntityProvider;
}

/** The factories' `schedule` option from a parsed config schedule. */
const scheduleOption = (schedule: ProviderSchedule | undefined) => (schedule ? { schedule: { frequencyMs: schedule.frequency } } : {});

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
    const provider = createGithubDiscoveryProvider({ ...options, integrations, id, ...scheduleOption(schedule), logger: logger.child({ provider: `github:${id}` }) });
    out.push({ provider });
  }
  const orgs = providers.githubOrg === undefined ? [] : Array.isArray(providers.githubOrg) ? providers.githubOrg : [providers.githubOrg];
  for (const config of orgs) {
    const host = new URL(config.githubUrl).host;
    for (const organization of config.orgs) {
      const id = config.orgs.length === 1 ? config.id : `${config.id}-${organization}`;
      const provider = createGithubOrgProvider({ integrations, host, organization, id, ...scheduleOption(config.schedule), logger: logger.child({ provider: `githubOrg:${id}` }) });
      out.push({ provider });
    }
  }
  for (const [id, config] of byId(providers.gitlab, 'host')) {
    const { schedule, ...rest } = config;
    out.push({
      provider: createGitlabDiscoveryProvider({
        id,
        integrations,
        config: rest,
        ...scheduleOption(schedule),
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
        ...scheduleOption(schedule),
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
