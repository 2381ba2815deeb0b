import { AuthenticationError, InputError, NotAllowedError, NotFoundError } from '@portalkit/core';
import { type GitIntegration, isGitIntegration, parseRepoUrl, pushDirectory, type ScmIntegrations } from '@portalkit/integrations';

/** A remote of a configured git integration that `publish:git` pushes to. */
export interface IntegrationRemote {
  integration: GitIntegration;
  /** `<baseUrl>/<dirs>/<repo>.git`, rebuilt by the integration's grammar (never the input as given). */
  cloneUrl: string;
}

/**
 * The git integration remote named by `remoteUrl` (`http(s)://`) or `repoUrl`, or `undefined`
 * for a local remote. A host that is not a configured git integration is a `NotAllowedError`
 * naming it; a URL that is not a clone URL of its grammar an `InputError`.
 */
export function resolveIntegrationRemote(input: { remoteUrl?: string; repoUrl?: string }, integrations: ScmIntegrations | undefined): IntegrationRemote | undefined {
  if (input.repoUrl !== undefined) {
    if (!integrations) throw new NotAllowedError('publish:git: repoUrl needs configured integrations (builtinActions({ integrations }))');
    const parsed = parseRepoUrl(input.repoUrl, integrations);
    const integration = gitIntegration(parsed.host, integrations);
    return { integration, cloneUrl: integration.cloneUrl({ owner: parsed.owner ?? '', repo: parsed.repo }) };
  }
  const remoteUrl = input.remoteUrl ?? '';
  if (!/^https?:\/\//i.test(remoteUrl)) return undefined;
  let url: URL;
  try {
    url = new URL(remoteUrl);
  } catch {
    throw new InputError(`publish:git: ${JSON.stringify(remoteUrl.slice(0, 200))} is not a URL`);
  }
  if (url.username || url.password) throw new InputError('publish:git: a remote URL must not carry credentials; configure them on the git integration');
  const integration = gitIntegration(url.host, integrations);
  const location = integration.parseUrl(remoteUrl);
  if (!location || location.kind !== 'repo') {
    throw new InputError(`publish:git: ${url.origin}${url.pathname} is not a clone URL of ${integration.baseUrl} (<baseUrl>/<dirs>/<repo>.git)`);
  }
  return { integration, cloneUrl: integration.cloneUrl(location) };
}

function gitIntegration(host: string, integrations: ScmIntegrations | undefined): GitIntegration {
  const integration = integrations?.byHost(host);
  if (!integration || !isGitIntegration(integration)) {
    throw new NotAllowedError(`publish:git may not push to ${host}: it is not a configured git integration (integrations.git)`);
  }
  return integration;
}

/**
 * Commit `source` and push it to the remote with the integration's credentials (headers in
 * git's environment, never in the URL). The network check runs first; git's failures become
 * typed errors without git's output (which names no secret, but is the remote's to word).
 */
export async function pushToGitIntegration(
  remote: IntegrationRemote,
  options: { source: string; input: { defaultBranch: string; gitCommitMessage: string; gitAuthorName: string; gitAuthorEmail: string }; signal?: AbortSignal },
): Promise<{ commitHash: string }> {
  await remote.integration.checkNetwork();
  const { input } = options;
  try {
    return await pushDirectory({
      source: options.source,
      remoteUrl: remote.cloneUrl,
      branch: input.defaultBranch,
      commitMessage: input.gitCommitMessage,
      author: { name: input.gitAuthorName, email: input.gitAuthorEmail },
      headers: remote.integration.authHeaders(),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (!/^git push failed/.test(message)) throw error;
    if (/Authentication failed|could not read (Username|Password)|returned error: 40[13]/i.test(message)) {
      throw new AuthenticationError(`publish:git: ${remote.cloneUrl} refused the configured credentials`);
    }
    if (/not found|returned error: 404|does not appear to be a git repository/i.test(message)) {
      throw new NotFoundError(`publish:git: ${remote.cloneUrl} does not exist; create the repository first (an empty one is fine)`);
    }
    if (/\[rejected\]|non-fast-forward|fetch first/i.test(message)) {
      throw new InputError(`publish:git: ${remote.cloneUrl} already has a different ${input.defaultBranch}; pushing would overwrite it`);
    }
    throw error;
  }
}
