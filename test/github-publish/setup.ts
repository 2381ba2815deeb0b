import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import { type PublishRoutes, registerPublishRoutes } from '../support/contract/github/publish-routes.js';
import { type GithubContractServer, startGithubContractServer } from '../support/contract/github/server.js';

/** The GitHub contract server with the publish routes, and integrations configured for it as an app would be. */
export async function startPublishGithub(): Promise<{ server: GithubContractServer; routes: PublishRoutes; integrations: ScmIntegrations }> {
  const server = await startGithubContractServer();
  const routes = registerPublishRoutes(server);
  const integrations = createIntegrations({
    config: { github: [{ host: server.host, apiBaseUrl: server.apiBaseUrl, rawBaseUrl: server.rawBaseUrl, codeloadBaseUrl: server.codeloadBaseUrl, token: server.token, allowPrivateNetwork: true }] },
  });
  return { server, routes, integrations };
}
