import type { Entity } from '@portalkit/catalog-model';
import { type Logger, mapLimit } from '@portalkit/core';
import { githubApiError, githubClientFor } from '@portalkit/integrations';
import type { EntityProvider, EntityProviderConnection, EntityProviderSchedule } from '../processing/provider.js';
import { checkOrganization, type GithubProviderSource, providerIntegration } from './github-shared.js';
import { createScheduledProvider } from './scheduled-provider.js';

/**
 * Options of {@link createGithubOrgProvider} (Backstage's `GithubOrgEntityProvider`).
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const options: GithubOrgProviderOptions = { integrations, host: 'github.com', organization: 'acme' };
 * ```
 */
export type GithubOrgProviderOptions = GithubProviderSource & {
  organization: string;
  /** Provider id: the provider is named `github-org-provider:<id>`; default the organization. */
  id?: string;
  /**
   * Read the organization again this often (Backstage's `schedule`): the catalog runs `run()`
   * on it and retries failures with backoff. Default: only when connected and when `run()` is called.
   */
  schedule?: EntityProviderSchedule;
  /** Told what each run read (failures go to the catalog's logger and the provider's status). */
  logger?: Logger;
};

/**
 * An org provider: the catalog runs it on its `schedule`; call `run()` (e.g. from a membership
 * webhook) to re-read the organization now.
 * @example
 * ```ts
 * declare const provider: GithubOrgProvider;
 * await provider.run();
 * ```
 */
export interface GithubOrgProvider extends EntityProvider {
  /** Read the teams and members again and replace the entities provided before. */
  run(): Promise<void>;
}

/**
 * Annotation naming a Group's team (`<org>/<slug>`), as Backstage's.
 * @example
 * ```ts
 * declare const group: Entity;
 * const slug = group.metadata.annotations?.[GITHUB_TEAM_SLUG_ANNOTATION]; // 'acme/platform'
 * ```
 */
export const GITHUB_TEAM_SLUG_ANNOTATION = 'github.com/team-slug';
/**
 * Annotation naming a User's login, as Backstage's.
 * @example
 * ```ts
 * declare const user: Entity;
 * const login = user.metadata.annotations?.[GITHUB_USER_LOGIN_ANNOTATION]; // 'alice'
 * ```
 */
export const GITHUB_USER_LOGIN_ANNOTATION = 'github.com/user-login';

interface Team {
  slug: string;
  name: string;
  description: string | null;
  html_url: string;
  parent?: { slug: string } | null;
}

/**
 * Backstage's `GithubOrgEntityProvider` over the REST API: each team of the organization becomes
 * a `Group` (name = slug, `spec.parent`/`spec.children` from the team hierarchy, profile from the
 * team) and each member a `User` (name = login, profile from `GET /users/{login}`, `memberOf`
 * their teams), annotated `github.com/team-slug` / `github.com/user-login`. Each `run()` is a
 * full mutation. API failures are typed errors (`githubApiError`); from `connect` and scheduled
 * runs the catalog retries them with backoff and shows them in `getProviderStatuses()`.
 *
 * @example
 * ```ts
 * declare const integrations: ScmIntegrations;
 * const catalog = createCatalog({ providers: [createGithubOrgProvider({ integrations, organization: 'acme' })] });
 * ```
 */
export function createGithubOrgProvider(options: GithubOrgProviderOptions): GithubOrgProvider {
  const factory = 'createGithubOrgProvider';
  const integration = providerIntegration(options, factory);
  const org = checkOrganization(options.organization, factory);
  const name = `github-org-provider:${options.id ?? org}`;
  const validName = (value: string) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value);

  const read = async (connection: EntityProviderConnection) => {
    const { octokit } = await githubClientFor(integration, { owner: org });
    const call = <T>(promise: Promise<T>, doing: string) => promise.catch((error: unknown) => Promise.reject(githubApiError(error, doing)));
    const teams = ((await call(octokit.paginate(octokit.rest.teams.list, { org, per_page: 100 }), `listing the teams of ${org}`)) as Team[]).filter((t) => validName(t.slug));
    const members = (await call(octokit.paginate(octokit.rest.orgs.listMembers, { org, per_page: 100 }), `listing the members of ${org}`)).map((m) => m.login).filter(validName);
    const teamMembers = await mapLimit(teams, 4, async (team) => {
      const list = await call(octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: team.slug, per_page: 100 }), `listing the members of ${org}/${team.slug}`);
      return list.map((m) => m.login);
    });
    const memberOf = new Map<string, string[]>();
    teams.forEach((team, i) => {
      for (const login of teamMembers[i] ?? []) memberOf.set(login, [...(memberOf.get(login) ?? []), team.slug]);
    });

    const groups: Entity[] = teams.map((team) => {
      const parent = team.parent?.slug && teams.some((t) => t.slug === team.parent?.slug) ? team.parent.slug : undefined;
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name: team.slug,
          ...(team.description ? { description: team.description } : {}),
          annotations: { [GITHUB_TEAM_SLUG_ANNOTATION]: `${org}/${team.slug}` },
        },
        spec: {
          type: 'team',
          profile: { displayName: team.name },
          ...(parent ? { parent } : {}),
          children: teams.filter((t) => t.parent?.slug === team.slug).map((t) => t.slug),
        },
      };
    });
    const logins = [...new Set([...members, ...memberOf.keys()])].filter(validName).sort();
    const users: Entity[] = await mapLimit(logins, 4, async (login) => {
      const { data } = await call(octokit.rest.users.getByUsername({ username: login }), `reading the user ${login}`);
      const profile = {
        ...(data.name ? { displayName: data.name } : {}),
        ...(data.email ? { email: data.email } : {}),
        ...(data.avatar_url ? { picture: data.avatar_url } : {}),
      };
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: {
          name: login,
          ...(data.bio ? { description: data.bio } : {}),
          annotations: { [GITHUB_USER_LOGIN_ANNOTATION]: login },
        },
        spec: { profile, memberOf: memberOf.get(login) ?? [] },
      };
    });
    await connection.applyMutation({ type: 'full', entities: [...groups, ...users].map((entity) => ({ entity, locationKey: name })) });
    options.logger?.info('github org read', { provider: name, groups: groups.length, users: users.length });
  };

  return createScheduledProvider({ name, factory, schedule: options.schedule, read, beforeConnect: 'skip' });
}
