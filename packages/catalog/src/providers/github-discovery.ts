import { type Logger, mapLimit, NotFoundError } from '@portalkit/core';
import { githubApiError, githubClientFor } from '@portalkit/integrations';
import { minimatch } from 'minimatch';
import { locationEntityFor } from '../locations/location-entity.js';
import type { EntityProvider, EntityProviderConnection, EntityProviderSchedule } from '../processing/provider.js';
import { checkOrganization, type GithubProviderSource, providerIntegration } from './github-shared.js';
import { createScheduledProvider } from './scheduled-provider.js';

/**
 * Options of {@link createGithubDiscoveryProvider} (Backstage's `catalog.providers.github`).
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const options: GithubDiscoveryProviderOptions = {
 *   integrations, organization: 'acme', catalogPath: '/catalog-info.yaml',
 *   filters: { repository: '^svc-', topic: { exclude: ['experimental'] }, allowForks: false },
 * };
 * ```
 */
export type GithubDiscoveryProviderOptions = GithubProviderSource & {
  organization: string;
  /** Provider id: the provider is named `github-provider:<id>`; default the organization. */
  id?: string;
  /** Path of the catalog file in each repository; a glob (`/**\/catalog-info.yaml`) is allowed. Default `/catalog-info.yaml`. */
  catalogPath?: string;
  filters?: {
    /** Regular expression the repository name must match. */
    repository?: string | RegExp;
    /** Branch to read; default each repository's default branch. */
    branch?: string;
    /** Topics: a repository needs one of `include` (when given) and none of `exclude`. */
    topic?: { include?: string[]; exclude?: string[] };
    visibility?: Array<'public' | 'private' | 'internal'>;
    /** Include forks; default true (Backstage's default). */
    allowForks?: boolean;
    /** Include archived repositories; default false. */
    allowArchived?: boolean;
  };
  /**
   * Discover again this often (Backstage's `schedule`): the catalog runs `run()` on it and
   * retries failures with backoff. Default: only when connected and when `run()` is called.
   */
  schedule?: EntityProviderSchedule;
  /** Told what each run found (failures go to the catalog's logger and the provider's status). */
  logger?: Logger;
};

/**
 * A discovery provider: the catalog runs it on its `schedule`; call `run()` (e.g. from a push
 * webhook) to re-read the organization now.
 * @example
 * ```ts
 * declare const provider: GithubDiscoveryProvider;
 * await provider.run();
 * ```
 */
export interface GithubDiscoveryProvider extends EntityProvider {
  /** List the organization's repositories again and replace the locations provided before. */
  run(): Promise<void>;
}

interface Repo {
  name: string;
  html_url: string;
  default_branch?: string;
  archived?: boolean;
  fork: boolean;
  visibility?: string;
  private: boolean;
  topics?: string[];
}

const isGlob = (p: string) => /[*?[\]{}]/.test(p);

/**
 * Backstage's `GithubEntityProvider`: list an organization's repositories through the API, keep
 * those passing `filters`, and provide a `url` Location (`<repo>/blob/<branch>/<path>`,
 * `presence: optional`) for each catalog file found: a plain `catalogPath` is checked with the
 * contents API, a glob is matched against the branch's tree. Each `run()` is a full mutation, so
 * repositories that disappear or lose their file lose their locations. API failures are typed
 * errors (`githubApiError`); from `connect` and scheduled runs the catalog retries them with
 * backoff and shows them in `getProviderStatuses()`.
 *
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const discovery = createGithubDiscoveryProvider({ integrations, organization: 'acme', schedule: { frequencyMs: 30 * 60_000 } });
 * const catalog = createCatalog({ providers: [discovery], reader: integrations.reader });
 * ```
 */
export function createGithubDiscoveryProvider(options: GithubDiscoveryProviderOptions): GithubDiscoveryProvider {
  const factory = 'createGithubDiscoveryProvider';
  const integration = providerIntegration(options, factory);
  const organization = checkOrganization(options.organization, factory);
  const catalogPath = (options.catalogPath ?? '/catalog-info.yaml').replace(/^\/+/, '');
  const filters = options.filters ?? {};
  const repository = filters.repository === undefined ? undefined : new RegExp(filters.repository);
  const name = `github-provider:${options.id ?? organization}`;

  const keep = (repo: Repo) => {
    if (repo.archived && !filters.allowArchived) return false;
    if (repo.fork && filters.allowForks === false) return false;
    if (repository && !repository.test(repo.name)) return false;
    const visibility = repo.visibility ?? (repo.private ? 'private' : 'public');
    if (filters.visibility && !filters.visibility.includes(visibility as 'public')) return false;
    const topics = repo.topics ?? [];
    if (filters.topic?.include?.length && !filters.topic.include.some((t) => topics.includes(t))) return false;
    if (filters.topic?.exclude?.some((t) => topics.includes(t))) return false;
    return true;
  };

  const catalogFiles = async (octokit: Awaited<ReturnType<typeof githubClientFor>>['octokit'], repo: Repo, branch: string): Promise<string[]> => {
    try {
      if (!isGlob(catalogPath)) {
        await octokit.rest.repos.getContent({ owner: organization, repo: repo.name, path: catalogPath, ref: branch });
        return [catalogPath];
      }
      const { data } = await octokit.rest.git.getTree({ owner: organization, repo: repo.name, tree_sha: branch, recursive: 'true' });
      return data.tree.filter((entry) => entry.type === 'blob' && entry.path && minimatch(entry.path, catalogPath, { dot: false })).map((entry) => entry.path!);
    } catch (error) {
      const typed = githubApiError(error, `reading ${organization}/${repo.name}`);
      // An empty repository or a missing file or branch simply has nothing to provide.
      if (typed instanceof NotFoundError || (error as { status?: number }).status === 409) return [];
      throw typed;
    }
  };

  const read = async (connection: EntityProviderConnection) => {
    const { octokit } = await githubClientFor(integration, { owner: organization });
    const repos = (await octokit.paginate(octokit.rest.repos.listForOrg, { org: organization, per_page: 100 }).catch((error: unknown) => Promise.reject(githubApiError(error, `listing the repositories of ${organization}`)))) as Repo[];
    const found = await mapLimit(repos.filter(keep), 8, async (repo) => {
      const branch = filters.branch ?? repo.default_branch ?? 'main';
      // The API's answer names the repository page; one that does not parse or is on another host is skipped.
      const htmlUrl = URL.canParse(repo.html_url) ? new URL(repo.html_url) : undefined;
      if (!htmlUrl || htmlUrl.host.toLowerCase() !== integration.host.toLowerCase()) return [];
      const base = htmlUrl.toString().replace(/\/$/, '');
      // File names may hold `?`, `#` or `%`: each segment is encoded so the URL names that file.
      const encodePath = (value: string) => value.split('/').map(encodeURIComponent).join('/');
      return (await catalogFiles(octokit, repo, branch)).map((file) => `${base}/blob/${encodePath(branch)}/${encodePath(file)}`);
    });
    const entities = found.flat().map((target) => {
      const entity = locationEntityFor({ type: 'url', target });
      return { entity: { ...entity, spec: { ...entity.spec, presence: 'optional' } }, locationKey: name };
    });
    await connection.applyMutation({ type: 'full', entities });
    options.logger?.info('github discovery', { provider: name, repositories: repos.length, locations: entities.length });
  };

  return createScheduledProvider({ name, factory, schedule: options.schedule, read, beforeConnect: 'skip' });
}
