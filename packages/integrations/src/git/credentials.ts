import { InputError } from '@portalkit/core';
import type { GitIntegrationConfig } from '../config.js';
import { basicAuthorization } from '../git-cli/index.js';

/**
 * The HTTP headers that authenticate to a git integration's remotes: basic auth from
 * `username` + `password`, or `token` as the password (username default `x-access-token`, what
 * GitHub, Gitea and most hosts accept for tokens). `{}` when no credentials are configured.
 * Misconfiguration is an `InputError` naming the factory, never the secret.
 *
 * @example
 * ```ts
 * gitAuthHeaders({ host: 'git.example.com', token: 't0ken' }); // { Authorization: 'Basic ...' }
 * ```
 */
export function gitAuthHeaders(config: GitIntegrationConfig): Record<string, string> {
  if (config.token !== undefined && config.password !== undefined) {
    throw new InputError(`createGitIntegration: ${config.host} has both token and password; configure one`);
  }
  const secret = config.token ?? config.password;
  if (secret === undefined) {
    if (config.username !== undefined) throw new InputError(`createGitIntegration: ${config.host} has a username but no password or token`);
    return {};
  }
  if (secret === '') throw new InputError(`createGitIntegration: ${config.host} has an empty ${config.token !== undefined ? 'token' : 'password'}`);
  const username = config.username ?? (config.token !== undefined ? 'x-access-token' : undefined);
  if (!username) throw new InputError(`createGitIntegration: ${config.host} has a password but no username`);
  if (username.includes(':')) throw new InputError(`createGitIntegration: the username of ${config.host} must not contain ':'`);
  return { Authorization: basicAuthorization(username, secret) };
}
