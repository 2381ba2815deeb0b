import { createIntegrations, type ScmIntegrations } from '@portalkit/integrations';
import type { GitServer } from '@portalkit/testing';

/** The integrations of a portal configured for `server` (plain git over HTTP, basic auth, loopback allowed). */
export function gitIntegrations(server: GitServer, credentials: { username: string; password: string }): ScmIntegrations {
  return createIntegrations({
    config: { git: [{ host: server.host, baseUrl: server.baseUrl, ...credentials, allowPrivateNetwork: true }] },
  });
}
