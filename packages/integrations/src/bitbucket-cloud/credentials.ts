import { basicAuthorization } from '../git-cli/push-directory.js';

/** Credentials of a Bitbucket Cloud integration (Backstage's keys). */
export interface BitbucketCloudCredentials {
  username?: string | undefined;
  appPassword?: string | undefined;
  token?: string | undefined;
}

/**
 * The `Authorization` of API calls as Backstage sends it: basic `username:appPassword` when both
 * are set, else `Bearer <token>` (a workspace/repository access token), else none.
 */
export function bitbucketCloudApiAuthorization(credentials: BitbucketCloudCredentials): string | undefined {
  if (credentials.username && credentials.appPassword) return basicAuthorization(credentials.username, credentials.appPassword);
  if (credentials.token) return `Bearer ${credentials.token}`;
  return undefined;
}

/**
 * The `Authorization` of git over HTTPS: an access token is basic `x-token-auth:<token>`
 * (Bitbucket's documented form), an app password basic `username:appPassword`.
 */
export function bitbucketCloudGitAuthorization(credentials: BitbucketCloudCredentials): string | undefined {
  if (credentials.username && credentials.appPassword) return basicAuthorization(credentials.username, credentials.appPassword);
  if (credentials.token) return basicAuthorization('x-token-auth', credentials.token);
  return undefined;
}
