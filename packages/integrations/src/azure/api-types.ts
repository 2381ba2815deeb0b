// The Azure DevOps Git REST types portalkit reads, copied by hand (subset of fields) from the
// definitions of Microsoft's published spec: MicrosoftDocs/vsts-rest-api-specs,
// specification/git/7.1/git.json (`GitItem`, `GitCommitRef`, `GitRepository`,
// `GitRepositoryCreateOptions`). The contract server validates its answers against that file.

/**
 * `GitItem` (with `ItemModel`'s fields).
 * @example
 * ```ts
 * const item: GitItem = { objectId: '3b18e512dba79e4c8300dd08aeb37f8e728b8dad', path: '/catalog-info.yaml', gitObjectType: 'blob' };
 * ```
 */
export interface GitItem {
  objectId?: string;
  commitId?: string;
  gitObjectType?: 'bad' | 'commit' | 'tree' | 'blob' | 'tag' | 'ext2' | 'ofsDelta' | 'refDelta';
  path?: string;
  isFolder?: boolean;
  isSymLink?: boolean;
  url?: string;
}

/**
 * `GitCommitRef`.
 * @example
 * ```ts
 * const commit: GitCommitRef = { commitId: '23d0bc5b128a10056dc68afece360d8a0fabb014', comment: 'initial commit' };
 * ```
 */
export interface GitCommitRef {
  commitId?: string;
  comment?: string;
  author?: GitUserDate;
  committer?: GitUserDate;
  url?: string;
}

/**
 * `GitUserDate`.
 * @example
 * ```ts
 * const who: GitUserDate = { name: 'Jane', email: 'jane@example.com', date: '2024-01-01T00:00:00Z' };
 * ```
 */
export interface GitUserDate {
  name?: string;
  email?: string;
  date?: string;
}

/**
 * `TeamProjectReference` (the fields used).
 * @example
 * ```ts
 * const project: TeamProjectReference = { id: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c', name: 'web' };
 * ```
 */
export interface TeamProjectReference {
  id?: string;
  name?: string;
  state?: 'deleting' | 'new' | 'wellFormed' | 'createPending' | 'all' | 'unchanged' | 'deleted';
  visibility?: 'private' | 'public';
}

/**
 * `GitRepository`.
 * @example
 * ```ts
 * const repo: GitRepository = { id: '5febef5a-833d-4e14-b9c0-14cb638f91e6', name: 'service', webUrl: 'https://dev.azure.com/acme/web/_git/service' };
 * ```
 */
export interface GitRepository {
  id?: string;
  name?: string;
  defaultBranch?: string;
  project?: TeamProjectReference;
  remoteUrl?: string;
  sshUrl?: string;
  webUrl?: string;
  url?: string;
  size?: number;
  isDisabled?: boolean;
  isInMaintenance?: boolean;
}

/**
 * `GitRepositoryCreateOptions`.
 * @example
 * ```ts
 * const options: GitRepositoryCreateOptions = { name: 'service' };
 * ```
 */
export interface GitRepositoryCreateOptions {
  name?: string;
  project?: TeamProjectReference;
}

/**
 * The `{ count, value }` wrapper Azure DevOps puts around every list (not in the spec's schemas).
 * @example
 * ```ts
 * const list: AzureList<GitCommitRef> = { count: 0, value: [] };
 * ```
 */
export interface AzureList<T> {
  count: number;
  value: T[];
}
