import { InputError, type Logger, NotFoundError } from '@portalkit/core';
import { type GitlabIntegration, isGitlabIntegration, type ScmIntegrations } from '@portalkit/integrations';
import { z } from 'zod';
import { locationEntityFor } from '../locations/location-entity.js';
import type { EntityProvider, EntityProviderConnection, EntityProviderSchedule } from '../processing/provider.js';
import { createScheduledProvider } from './scheduled-provider.js';

/**
 * `catalog.providers.gitlab.<id>` in Backstage's shape (the discovery keys; the org keys
 * `orgEnabled`, `userPattern`, `groupPattern`, ... are not read here).
 * @example
 * ```ts
 * const config: GitlabDiscoveryConfig = { host: 'gitlab.com', group: 'acme/platform', projectPattern: '^service-' };
 * ```
 */
export const gitlabDiscoveryConfigSchema = z.looseObject({
  host: z.string().min(1),
  /** Group path (nested groups with `/`); its subgroups' projects are included. */
  group: z
    .string()
    .regex(/^[\w.-]+(\/[\w.-]+)*$/, 'a group path')
    .refine((group) => !group.split('/').some((segment) => segment === '.' || segment === '..'), 'a group path without dot segments'),
  /** Branch to read; default each project's default branch, then `fallbackBranch`. */
  branch: z.string().optional(),
  fallbackBranch: z.string().default('master'),
  catalogFile: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'a path inside the repository').default('catalog-info.yaml'),
  /** Regular expression a project's path with namespace must match. */
  projectPattern: z.string().default('[\\s\\S]*'),
  /** Comma-separated topics a project must all have. */
  topics: z.string().optional(),
  excludeRepos: z.array(z.string()).default([]),
  skipForkedRepos: z.boolean().default(false),
  includeArchivedRepos: z.boolean().default(false),
});
/**
 * The config {@link createGitlabDiscoveryProvider} takes (defaults filled in by its schema).
 * @example
 * ```ts
 * const config: GitlabDiscoveryConfig = { host: 'gitlab.com', group: 'acme', topics: 'backstage' };
 * ```
 */
export type GitlabDiscoveryConfig = z.input<typeof gitlabDiscoveryConfigSchema>;

/**
 * Options of {@link createGitlabDiscoveryProvider}.
 * @example
 * ```ts
 * declare const integrations: import('@portalkit/integrations').ScmIntegrations;
 * const options: GitlabDiscoveryProviderOptions = { id: 'platform', integrations, config: { host: 'gitlab.com', group: 'acme' } };
 * ```
 */
export interface GitlabDiscoveryProviderOptions {
  /** The key under `catalog.providers.gitlab`; names the provider `gitlab-discovery:<id>`. */
  id: string;
  /** The configured hosts; `config.host` must be a GitLab integration. */
  integrations: ScmIntegrations;
  config: GitlabDiscoveryConfig;
  /**
   * Discover again this often (Backstage's `schedule`): the catalog runs `run()` on it and
   * retries failures with backoff. Default only on `connect` and `run()`.
   */
  schedule?: EntityProviderSchedule;
  /** The same as `schedule: { frequencyMs: intervalMs }` (`schedule` wins). */
  intervalMs?: number;
  logger?: Logger;
}

/**
 * A GitLab discovery provider: also `run()` to discover now.
 * @example
 * ```ts
 * declare const provider: GitlabDiscoveryProvider;
 * const { locations } = await provider.run();
 * ```
 */
export interface GitlabDiscoveryProvider extends EntityProvider {
  run(): Promise<{ projects: number; locations: string[] }>;
  /** Stop the catalog's scheduled runs of this provider (the catalog's `stop()` stops them all). */
  close(): void;
}

/**
 * Backstage's `GitlabDiscoveryEntityProvider`: the projects of a group and its subgroups,
 * filtered by `projectPattern`, `topics`, `excludeRepos`, forks and archived state, that hold
 * `catalogFile` on their branch, each emitted as a `url` Location entity
 * (`<base>/<project>/-/blob/<branch>/<catalogFile>`), which the catalog then reads through the
 * GitLab reader. Each run is one `full` mutation, so projects that lose the file disappear. A
 * failing `connect` or scheduled run is retried by the catalog with backoff and shown in
 * `getProviderStatuses()`.
 * @example
 * ```ts
 * import { createCatalog, createGitlabDiscoveryProvider } from '@portalkit/catalog';
 * import { createIntegrations } from '@portalkit/integrations';
 * const integrations = createIntegrations({ config: { gitlab: [{ host: 'gitlab.com', token: process.env.GITLAB_TOKEN }] } });
 * const discovery = createGitlabDiscoveryProvider({ id: 'acme', integrations, config: { host: 'gitlab.com', group: 'acme' } });
 * const catalog = createCatalog({ providers: [discovery], reader: integrations.reader });
 * ```
 */
export function createGitlabDiscoveryProvider(options: GitlabDiscoveryProviderOptions): GitlabDiscoveryProvider {
  const parsed = gitlabDiscoveryConfigSchema.safeParse(options.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`createGitlabDiscoveryProvider: catalog.providers.gitlab.${options.id}.${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const integration = options.integrations.byHost(config.host);
  if (!isGitlabIntegration(integration)) throw new InputError(`createGitlabDiscoveryProvider: no GitLab integration is configured for ${config.host}`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(config.projectPattern);
  } catch {
    throw new InputError(`createGitlabDiscoveryProvider: catalog.providers.gitlab.${options.id}.projectPattern is not a regular expression`);
  }
  const name = `gitlab-discovery:${options.id}`;
  const factory = 'createGitlabDiscoveryProvider';
  const schedule = options.schedule ?? (options.intervalMs === undefined ? undefined : { frequencyMs: options.intervalMs });

  const read = async (connection: EntityProviderConnection) => {
    const { projects, locations } = await discover(integration, config, pattern);
    const entities = locations.map((target) => ({ entity: locationEntityFor({ type: 'url', target }), locationKey: `url:${target}` }));
    await connection.applyMutation({ type: 'full', entities });
    options.logger?.info('gitlab discovery', { provider: name, projects, locations: locations.length });
    return { projects, locations };
  };
  return createScheduledProvider({ name, factory, schedule, read, beforeConnect: 'throw' });
}

type ParsedConfig = z.output<typeof gitlabDiscoveryConfigSchema>;

async function discover(integration: GitlabIntegration, config: ParsedConfig, pattern: RegExp): Promise<{ projects: number; locations: string[] }> {
  const client = integration.client();
  const projects = await client.Groups.allProjects(config.group, {
    includeSubgroups: true,
    perPage: 100,
    ...(config.includeArchivedRepos ? {} : { archived: false }),
    ...(config.topics ? { topic: config.topics } : {}),
  });
  const wanted = new Set(config.topics?.split(',').map((t) => t.trim()).filter(Boolean) ?? []);
  const excluded = new Set(config.excludeRepos);
  const locations: string[] = [];
  for (const project of projects) {
    const projectPath = project.path_with_namespace;
    if (!pattern.test(projectPath) || excluded.has(projectPath)) continue;
    if (config.skipForkedRepos && (project as { forked_from_project?: unknown }).forked_from_project) continue;
    if (!config.includeArchivedRepos && (project as { archived?: boolean }).archived) continue;
    if ([...wanted].some((topic) => !(project.topics ?? []).includes(topic))) continue;
    const branch = config.branch ?? project.default_branch ?? config.fallbackBranch;
    try {
      await client.RepositoryFiles.show(projectPath, config.catalogFile, branch);
    } catch (error) {
      if (error instanceof NotFoundError) continue;
      throw error;
    }
    // Built from the configured base URL, not the API's web_url: locations stay on this host.
    const encode = (value: string) => value.split('/').map(encodeURIComponent).join('/');
    locations.push(`${integration.baseUrl}/${encode(projectPath)}/-/blob/${encode(branch)}/${encode(config.catalogFile)}`);
  }
  return { projects: projects.length, locations };
}
