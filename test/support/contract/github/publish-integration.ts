import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NotFoundError, NotImplementedError } from '@portalkit/core';
import { createHostFetch, type GithubApiAccess, type GithubApiIntegration, githubApiError, type ScmLocation } from '@portalkit/integrations';
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
  const octokit = (auth: string) => new Octokit({ auth, baseUrl: server.apiBaseUrl, request: { fetch }, log: { debug() {}, info() {}, warn() {}, error() {} } });
  // Blob URLs only (`<base>/<owner>/<repo>/blob/<ref>/<path>`, one-segment refs): enough to read
  // back what the publish actions and providers point at, until the GitHub reader lands.
  const parseUrl = (url: string): ScmLocation | undefined => {
    if (!url.startsWith(`${server.baseUrl}/`)) return undefined;
    const match = /^\/([^/]+)\/([^/]+)\/blob\/([^/]+)\/(.+)$/.exec(new URL(url).pathname);
    if (!match) return undefined;
    return { type: 'github', host: server.host, owner: match[1]!, repo: match[2]!, ref: match[3]!, path: match[4]!, kind: 'blob' };
  };
  return {
    type: 'github',
    host: server.host,
    title: `GitHub (${server.host})`,
    parseUrl,
    resolveUrl: ({ url, base }) => new URL(url, base).toString(),
    resolveEditUrl: (url) => url,
    reader: {
      canRead: (url) => parseUrl(url) !== undefined,
      read: async (url) => {
        const location = parseUrl(url);
        if (!location) throw new NotFoundError(`not a blob URL: ${url}`);
        const { data } = await octokit(configured)
          .rest.repos.getContent({ owner: location.owner, repo: location.repo, path: location.path, ref: location.ref! })
          .catch((error: unknown) => Promise.reject(githubApiError(error, `reading ${url}`)));
        if (Array.isArray(data) || data.type !== 'file') throw new NotFoundError(`${url} is not a file`);
        return { buffer: Buffer.from((data as { content: string }).content, 'base64'), etag: data.sha };
      },
      readTree: async () => {
        throw new NotImplementedError('contract integration has no reader');
      },
    },
    async forOwner({ token }) {
      const auth = token ?? configured;
      return { octokit: octokit(auth), token: auth };
    },
  };
}
