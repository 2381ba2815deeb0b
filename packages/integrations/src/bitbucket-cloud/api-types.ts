// Response shapes of the Bitbucket Cloud REST API 2.0, the fields portalkit reads, named and typed
// after the schemas of Atlassian's published OpenAPI description (api.bitbucket.org/swagger.json,
// as vendored in Backstage's bitbucket-cloud-common: components.schemas.repository, link,
// branch, commit, paginated_commits, error). The contract server answers with these types.

/** `components.schemas.link`. */
export interface BitbucketCloudLink {
  href: string;
  name?: string;
}

/** `components.schemas.repository` (the fields used). */
export interface BitbucketCloudRepository {
  type: 'repository';
  uuid?: string;
  full_name: string;
  name?: string;
  slug?: string;
  description?: string;
  is_private?: boolean;
  scm?: 'git';
  mainbranch?: { type: 'branch'; name: string };
  project?: { type: 'project'; key: string };
  links: {
    self?: BitbucketCloudLink;
    html: BitbucketCloudLink;
    clone: BitbucketCloudLink[];
  };
}

/** `components.schemas.commit` (the fields used). */
export interface BitbucketCloudCommit {
  type: 'commit';
  hash: string;
  date?: string;
  message?: string;
}

/** `components.schemas.paginated_commits`. */
export interface BitbucketCloudPaginatedCommits {
  values: BitbucketCloudCommit[];
  pagelen?: number;
  next?: string;
}

/** `components.schemas.error`. */
export interface BitbucketCloudError {
  type: 'error';
  error: { message: string; detail?: string };
}

/** The message of a Cloud error body, if it is one. */
export function bitbucketCloudErrorMessage(body: unknown): string | undefined {
  const message = (body as Partial<BitbucketCloudError> | undefined)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}
