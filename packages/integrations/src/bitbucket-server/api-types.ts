// Response shapes of the Bitbucket Server / Data Center REST API 1.0, the fields portalkit reads,
// typed after Atlassian's documented schemas (developer.atlassian.com/server/bitbucket/rest:
// RestRepository, RestProject, RestCommit, RestErrors, paged responses). No machine-readable
// description of this API was available offline to validate against.

/** A link of a `RestRepository`. */
export interface BitbucketServerLink {
  href: string;
  name?: string;
}

/** `RestRepository` (the fields used). */
export interface BitbucketServerRepository {
  slug: string;
  id?: number;
  name: string;
  description?: string;
  state?: 'AVAILABLE' | 'INITIALISING' | 'INITIALISATION_FAILED';
  public?: boolean;
  scmId?: 'git';
  project: { key: string; id?: number; name?: string };
  defaultBranch?: string;
  links: { self: BitbucketServerLink[]; clone: BitbucketServerLink[] };
}

/** `RestCommit` (the fields used). */
export interface BitbucketServerCommit {
  id: string;
  displayId?: string;
  message?: string;
  authorTimestamp?: number;
}

/** A page of a paged API (`RestPage`). */
export interface BitbucketServerPage<T> {
  values: T[];
  size?: number;
  limit?: number;
  isLastPage: boolean;
  start?: number;
  nextPageStart?: number;
}

/** `RestErrors`. */
export interface BitbucketServerErrors {
  errors: Array<{ context?: string | null; message: string; exceptionName?: string | null }>;
}

/** The first message of a Server error body, if it is one. */
export function bitbucketServerErrorMessage(body: unknown): string | undefined {
  const message = (body as Partial<BitbucketServerErrors> | undefined)?.errors?.[0]?.message;
  return typeof message === 'string' ? message : undefined;
}
