import { randomBytes } from 'node:crypto';
import type { GitIntegrationConfig } from '@portalkit/integrations';
import { type GitServer, startGitServer } from '@portalkit/testing';

/** The example's local git host: a real git server over HTTP and how the portal reaches it. */
export interface DemoGitHost {
  server: GitServer;
  /** The `integrations.git[]` entry for it (basic auth with a password made at start-up). */
  integration: GitIntegrationConfig;
  /** Blob URL of the demo repository's `catalog-info.yaml`, registered at start-up. */
  demoLocation: string;
  /** Where templates publish: `<baseUrl>/services` (repositories are created on first push). */
  servicesUrl: string;
  close(): Promise<void>;
}

const HANDBOOK: Record<string, string> = {
  'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: platform-handbook
  title: Platform handbook
  description: How the platform team works. Read by the catalog and TechDocs from the example's local git server.
  annotations:
    backstage.io/techdocs-ref: dir:.
  tags:
    - documentation
spec:
  type: documentation
  lifecycle: production
  owner: team-platform
  system: developer-platform
`,
  'mkdocs.yml': 'site_name: Platform handbook\nnav:\n  - Home: index.md\n  - Publishing: publishing.md\n',
  'docs/index.md':
    '# Platform handbook\n\nThis repository lives on the example portal\'s local git server. The catalog read\n`catalog-info.yaml` through the `git` integration, and TechDocs built these pages from its tree.\n',
  'docs/publishing.md':
    '# Publishing\n\nThe *Create a Node.js service* template pushes each new service to `services/<name>.git` on the\nsame server with `publish:git`, then registers its `catalog-info.yaml` by URL.\n',
};

/**
 * Start the example's git host on 127.0.0.1 (`port`, default a free one) with the demo
 * repository `demo/platform-handbook`. It stands in for the company's git host: pushes create
 * repositories, and its credentials are made up at start-up and known only to this process.
 *
 * @example
 * ```ts
 * const git = await startDemoGitHost({ port: 0 });
 * createIntegrations({ config: { git: [git.integration] } });
 * ```
 */
export async function startDemoGitHost(options: { port?: number } = {}): Promise<DemoGitHost> {
  const auth = { username: 'portal', password: randomBytes(18).toString('base64url') };
  const server = await startGitServer({ auth, createOnPush: true, ...(options.port !== undefined ? { port: options.port } : {}) });
  try {
    await server.createRepo('demo/platform-handbook', HANDBOOK, { message: 'Platform handbook' });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    // The server listens on loopback, which git integrations refuse unless told otherwise.
    integration: { host: server.host, baseUrl: server.baseUrl, ...auth, allowPrivateNetwork: true },
    demoLocation: `${server.baseUrl}/demo/platform-handbook.git/blob/main/catalog-info.yaml`,
    servicesUrl: `${server.baseUrl}/services`,
    close: () => server.close(),
  };
}
