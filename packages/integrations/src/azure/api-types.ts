// The Azure DevOps Git REST types portalkit reads, copied by hand (subset of fields) from the
// definitions of Microsoft's published spec: MicrosoftDocs/vsts-rest-api-specs,
// specification/git/7.1/git.json (`GitItem`, `GitCommitRef`, `GitRepository`,
// `GitRepositoryCreateOptions`). The contract server validates its answers against that file.

/** `GitItem` (with `ItemModel`'s fields). */
export interface GitItem {
  objectId?: string;
  commitId?: string;
  gitObjectType?: 'bad' | 'commit' | 'tree' | 'blob' | 'tag' | 'ext2' | 'ofsDelta' | 'refDelta';
  path?: string;
  isFolder?: boolean;
  isSymLink?: boolean;
  url?: string;
}

/** `GitCommitRef`. */
export interface GitCommitRef {
  commitId?: string;
  comment?: string;
  author?: GitUserDate;
  committer?: GitUserDate;
  url?: string;
}

/** `GitUserDate`. */
export interface GitUserDate {
  name?: string;
  email?: string;
  date?: string;
}

/** `TeamProjectReference` (the fields used). */
export interface TeamProjectReference {
  id?: string;
  name?: string;
  state?: 'deleting' | 'new' | 'wellFormed' | 'createPending' | 'all' | 'unchanged' | 'deleted';
  visibility?: 'private' | 'public';
}

/** `GitRepository`. */
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

/** `GitRepositoryCreateOptions`. */
export interface GitRepositoryCreateOptions {
  name?: string;
  project?: TeamProjectReference;
}

/** The `{ count, value }` wrapper Azure DevOps puts around every list (not in the spec's schemas). */
export interface AzureList<T> {
  count: number;
  value: T[];
}
