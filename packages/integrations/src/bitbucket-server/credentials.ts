import { basicAuthorization } from '../git-cli/push-directory.js';

/** Credentials of a Bitbucket Server integration (Backstage's keys). */
export interface BitbucketServerCredentials {
  token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/**
 * The `Authorization` of API calls and git over HTTP(S), as Backstage sends it: `Bearer <token>`
 * (an HTTP access token) when set, else basic `username:password`, else none.
 */
export function bitbucketServerAuthorization(credentials: BitbucketServerCredentials): string | undefined {
  if (credentials.token) return `Bearer ${credentials.token}`;
  if (credentials.username && credentials.password) return basicAuthorization(credentials.username, credentials.password);
  return undefined;
}
