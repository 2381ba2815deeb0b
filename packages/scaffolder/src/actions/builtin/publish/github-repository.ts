import type { Logger } from '@portalkit/core';
import { ConflictError, NotAllowedError } from '@portalkit/core';
import { githubApiError, type githubClientFor } from '@portalkit/integrations';

type Octokit = Awaited<ReturnType<typeof githubClientFor>>['octokit'];

/** A collaborator input of `publish:github`, in Backstage's three shapes. */
export type GithubCollaborator = { user: string; access: string } | { team: string; access: string } | { username: string; access: string };

/** The repository settings `publish:github` sends when creating a repository. */
export interface GithubRepositorySettings {
  owner: string;
  repo: string;
  repoVisibility: 'private' | 'internal' | 'public';
  description?: string | undefined;
  homepage?: string | undefined;
  deleteBranchOnMerge: boolean;
  allowMergeCommit: boolean;
  allowSquashMerge: boolean;
  squashMergeCommitTitle?: 'PR_TITLE' | 'COMMIT_OR_PR_TITLE' | undefined;
  squashMergeCommitMessage?: 'PR_BODY' | 'COMMIT_MESSAGES' | 'BLANK' | undefined;
  allowRebaseMerge: boolean;
  allowAutoMerge: boolean;
  hasProjects?: boolean | undefined;
  hasWiki?: boolean | undefined;
  hasIssues?: boolean | undefined;
  access?: string | undefined;
  collaborators?: GithubCollaborator[] | undefined;
  topics?: string[] | undefined;
}

/** Octokit's types predate `internal`, which GitHub's description of the endpoint accepts. */
const orgVisibility = (visibility: GithubRepositorySettings['repoVisibility']) => ({ visibility }) as { visibility?: 'public' | 'private' };

/** Last segment of an entity ref (`group:default/team-a` -> `team-a`), as Backstage's `entityRefToName`. */
const refToName = (ref: string) => ref.replace(/^.*[:/]/, '');

/**
 * Create the repository (in the organization, or for the authenticated user when `owner` is a
 * user), then grant `access` and `collaborators` and set `topics` as Backstage does (failures
 * of the last two are logged and skipped). A repository that exists is a `ConflictError`.
 */
export async function createGithubRepository(octokit: Octokit, settings: GithubRepositorySettings, logger: Logger): Promise<{ clone_url: string; html_url: string }> {
  const { owner, repo } = settings;
  const call = <T>(promise: Promise<T>, doing: string) => promise.catch((error: unknown) => Promise.reject(githubApiError(error, doing)));
  const account = await call(octokit.rest.users.getByUsername({ username: owner }), `looking up owner ${owner}`);
  const isOrg = account.data.type === 'Organization';
  if (!isOrg) {
    // POST /user/repos creates under the token's user, whoever `owner` says.
    const me = await call(octokit.rest.users.getAuthenticated(), 'looking up the authenticated user');
    if (me.data.login.toLowerCase() !== owner.toLowerCase()) {
      throw new NotAllowedError(`publish:github: ${owner} is a user other than the one the credentials belong to; a repository can only be created for that user or an organization`);
    }
  }
  const common = {
    name: repo,
    private: settings.repoVisibility === 'private',
    description: settings.description,
    homepage: settings.homepage,
    delete_branch_on_merge: settings.deleteBranchOnMerge,
    allow_merge_commit: settings.allowMergeCommit,
    allow_squash_merge: settings.allowSquashMerge,
    squash_merge_commit_title: settings.squashMergeCommitTitle,
    squash_merge_commit_message: settings.squashMergeCommitMessage,
    allow_rebase_merge: settings.allowRebaseMerge,
    allow_auto_merge: settings.allowAutoMerge,
    has_projects: settings.hasProjects,
    has_wiki: settings.hasWiki,
    has_issues: settings.hasIssues,
  };
  let created: { clone_url: string; html_url: string };
  try {
    created = isOrg
      ? (await octokit.rest.repos.createInOrg({ ...common, org: owner, ...orgVisibility(settings.repoVisibility) })).data
      : (await octokit.rest.repos.createForAuthenticatedUser(common)).data;
  } catch (error) {
    const data = (error as { status?: number; response?: { data?: { errors?: Array<{ message?: string }> } } }).response?.data;
    if ((error as { status?: number }).status === 422 && data?.errors?.some((e) => /already exists/i.test(e.message ?? ''))) {
      throw new ConflictError(`publish:github: the repository ${owner}/${repo} already exists`);
    }
    throw githubApiError(error, `creating the ${isOrg ? 'organization' : 'user'} repository ${owner}/${repo}`);
  }

  if (settings.access?.startsWith(`${owner}/`)) {
    const team = settings.access.slice(owner.length + 1);
    await call(octokit.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: owner, team_slug: team, owner, repo, permission: 'admin' }), `granting ${settings.access} admin access`);
  } else if (settings.access && settings.access !== owner) {
    await call(octokit.rest.repos.addCollaborator({ owner, repo, username: settings.access, permission: 'admin' }), `granting ${settings.access} admin access`);
  }
  for (const collaborator of settings.collaborators ?? []) {
    try {
      if ('team' in collaborator) {
        await octokit.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: owner, team_slug: refToName(collaborator.team), owner, repo, permission: collaborator.access });
      } else {
        const username = refToName('user' in collaborator ? collaborator.user : collaborator.username);
        await octokit.rest.repos.addCollaborator({ owner, repo, username, permission: collaborator.access });
      }
    } catch (error) {
      logger.warn(`Skipping ${collaborator.access} access for ${JSON.stringify(collaborator)}: ${githubApiError(error, 'adding a collaborator').message}`);
    }
  }
  if (settings.topics) {
    try {
      await octokit.rest.repos.replaceAllTopics({ owner, repo, names: settings.topics.map((t) => t.toLowerCase()) });
    } catch (error) {
      logger.warn(`Skipping topics ${settings.topics.join(' ')}: ${githubApiError(error, 'setting topics').message}`);
    }
  }
  return created;
}
