import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NotImplementedError } from '@portalkit/core';
import { createHostFetch, type GithubApiAccess, type GithubApiIntegration } from '@portalkit/integrations';
import type { GithubPublishServer } from './publish-server.js';

type Octokit = Awaited<ReturnType<GithubApiAccess['forOwner']>>['octokit'];
type OctokitClass = new (options: Record<string, unknown>) => Octokit;

const requireFromIntegrations = createRequire(fileURLToPath(new URL('../../../../packages/integrations/package.json', import.meta.url)));

/**
 * A GitHub integration of the contract server with API access (`forOwner`), for the publish
 * actions and providers until `createGithubIntegration` provides it: a real Octokit on the
 * server's API base, its fetch limited to the server's origin.
 */
export async function contractGithubIntegration(server: GithubPublishServer, options: { token?: string } = {}): Promise<GithubApiIntegration> {
  const { Octokit } = (await import(pathToFileURL(requireFromIntegrations.resolve('@octokit/rest')).href)) as { Octokit: OctokitClass };
  const fetch = createHostFetch({ origins: [server.baseUrl], allowPrivateNetwork: true });
  const configured = options.token ?? server.token;
  return {
    type: 'github',
    host: server.host,
    title: `GitHub (${server.host})`,
    parseUrl: () => undefined,
    resolveUrl: ({ url, base }) => new URL(url, base).toString(),
    resolveEditUrl: (url) => url,
    reader: {
      canRead: () => false,
      read: async () => {
        throw new NotImplementedError('contract integration has no reader');
      },
      readTree: async () => {
        throw new NotImplementedError('contract integration has no reader');
      },
    },
    async forOwner({ token }) {
      const auth = token ?? configured;
      return { octokit: new Octokit({ auth, baseUrl: server.apiBaseUrl, request: { fetch }, log: { debug() {}, info() {}, warn() {}, error() {} } }), token: auth };
    },
  };
}
