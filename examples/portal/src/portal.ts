import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createPortal } from '@portalkit/core';
import type { Logger, Portal, PortalServer } from '@portalkit/core';
import { builtinKinds, createCatalog } from '@portalkit/catalog';
import type { Catalog } from '@portalkit/catalog';
import { builtinActions, createScaffolder } from '@portalkit/scaffolder';
import { localPublisher, techdocsPlugin } from '@portalkit/techdocs';
import type { TechDocs } from '@portalkit/techdocs';
import { builtinChecks, scorecardKind, scorecardProcessor } from '@portalkit/scorecards';
import { createDemoInventoryProvider } from './demo-inventory.js';
import { createIntegrations, type IntegrationsConfig, type ScmIntegrations } from '@portalkit/integrations';
import type { OidcSettings } from './auth/index.js';
import { createExampleAuth } from './auth/example-auth.js';
import { startDemoGitHost, type DemoGitHost } from './demo-git.js';
import { createEntityDocs } from './entity-docs.js';
import { createExamplePlugins } from './plugins.js';
import { createScaffolderCatalog } from './scaffolder-catalog.js';
import { commonAncestor, prepareStateDirs } from './state-dirs.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Options of {@link createExamplePortal}. */
export interface ExamplePortalOptions {
  /** Folder with the root `catalog-info.yaml`; default the bundled ACME demo org (`../data`). */
  dataDir?: string;
  /** Where git repositories, checkouts, built docs and task workspaces go; default `<cwd>/.portalkit`. */
  stateDir?: string;
  /** Port for {@link ExamplePortal.listen}; default 7007, `0` picks a free one. */
  port?: number;
  /** Host for {@link ExamplePortal.listen}; default `127.0.0.1`. */
  host?: string;
  /** Default: `createLogger()`. */
  logger?: Logger;
  /** Told about start-up progress (`ingested 84 entities`, `built docs for 4 components`). */
  onProgress?: (message: string) => void;
  /**
   * Where users sign in: any OpenID Connect issuer. Default: the demo provider (a local
   * stand-in for the company IdP, see docs/permissions.md), started by `listen()` on `oidcPort`.
   */
  oidc?: OidcSettings;
  /** The demo provider's port; default `port + 1` (0 when `port` is 0). */
  oidcPort?: number;
  /**
   * Source hosts in Backstage's `integrations` shape (app-config's `integrations` section). The
   * example's local git host is added to `git`.
   */
  integrations?: IntegrationsConfig;
  /** The local git host's port (on 127.0.0.1); default a free one. */
  gitPort?: number;
}

/** The composed example portal. */
export interface ExamplePortal {
  /** The underlying portal: mount `portal.fetch` in any framework. */
  portal: Portal;
  catalog: Catalog;
  techdocs: TechDocs;
  /** The configured source hosts, the local git host among them. */
  integrations: ScmIntegrations;
  /** The local git host: templates publish to it; the demo repository lives on it. */
  git: DemoGitHost;
  /** Ingest the catalog, build docs, index search and start every plugin. Idempotent. */
  start(): Promise<void>;
  /** `start()`, then serve on the configured host and port (and start the demo provider). */
  listen(): Promise<PortalServer>;
  /** Where the browser signs in; `undefined` before `listen()` when the demo provider is used. */
  oidc(): OidcSettings | undefined;
  /** Stop plugins and close servers (the local git host too). */
  stop(): Promise<void>;
}

/**
 * Builds the example portal: the web UI from `public/` at `/`, and the catalog, scaffolder,
 * TechDocs and search plugins under `/api/*`, fed by the demo org in `data/` and by a local git
 * host (a real git server over HTTP on 127.0.0.1, reached through a `git` integration). The
 * "Create a Node.js service" template pushes new repositories to that host and registers them by
 * URL, so the catalog and TechDocs read them from it. Other templates push to bare repositories
 * in `<stateDir>/repos`, checked out to `<stateDir>/checkouts` and registered from there.
 *
 * @example
 * ```ts
 * const example = await createExamplePortal({ port: 0, stateDir: '/tmp/portal' });
 * const { url } = await example.listen();
 * console.log(`open ${url}`);
 * ```
 */
export async function createExamplePortal(options: ExamplePortalOptions = {}): Promise<ExamplePortal> {
  const dataDir = path.resolve(options.dataDir ?? path.join(here, '../data'));
  const stateDir = path.resolve(options.stateDir ?? path.join(process.cwd(), '.portalkit'));
  const logger = options.logger ?? createLogger();
  const progress = options.onProgress ?? (() => {});
  const dirs = await prepareStateDirs(stateDir);
  // Catalog files and docs sources are read below one root: the demo data and the checkouts.
  const rootDir = commonAncestor(dataDir, dirs.checkouts);
  const git = await startDemoGitHost(options.gitPort !== undefined ? { port: options.gitPort } : {});
  let integrations: ScmIntegrations;
  try {
    integrations = createIntegrations({
      config: { ...options.integrations, git: [...(options.integrations?.git ?? []), git.integration] },
      logger: logger.child({ plugin: 'integrations' }),
    });
  } catch (error) {
    await git.close();
    throw error;
  }

  const catalog = createCatalog({
    rootDir,
    integrations,
    locations: [
      { type: 'file', target: path.join(dataDir, 'catalog-info.yaml') },
      // Read through the git integration, like a repository on the company's git host.
      { type: 'url', target: git.demoLocation },
    ],
    // People register catalog files by URL only (the register form's); `file` would let them read
    // (and probe) files on the server. catalog:register's local checkouts use a view allowing files
    // (see createScaffolderCatalog).
    allowedLocationTypes: ['url'],
    // Scorecards live in the catalog as `kind: Scorecard` YAML (data/scorecards/).
    kinds: [...builtinKinds, scorecardKind],
    processors: [scorecardProcessor({ checks: builtinChecks() })],
    // Provider-owned Resources, which the portal's "Change owner" changes directly (write-back).
    providers: [createDemoInventoryProvider()],
    // No `events`: started as a plugin, the catalog publishes on the portal's bus.
    logger: logger.child({ plugin: 'catalog' }),
  });

  const techdocsPluginInstance = techdocsPlugin({
    publisher: localPublisher({ root: dirs.docs }),
    getEntity: (name) => catalog.getEntityByRef(name),
    root: rootDir,
    integrations,
    workDir: dirs.work,
    logger: logger.child({ plugin: 'techdocs' }),
  });
  const { techdocs } = techdocsPluginInstance;
  const docs = createEntityDocs({ catalog, techdocs, logger });

  const scaffolderCatalog = createScaffolderCatalog({ catalog, checkoutsDir: dirs.checkouts, reposDir: dirs.repos, docs, logger });
  // `gitServicesUrl`: where the Node.js template publishes (the local git host's `services/`).
  const globals = { localGitRoot: dirs.repos, gitServicesUrl: git.servicesUrl };
  const scaffolder = createScaffolder({
    // publish:git may only create local repositories below the demo's repos folder, and push to
    // the hosts of `integrations.git` (the local git host) with their credentials.
    actions: builtinActions({ catalog: scaffolderCatalog, integrations, globals, gitRemoteRoots: [dirs.repos] }),
    globals,
    // `${{ user.entity }}` in templates: the signed-in user's entity.
    getUserEntity: (ref) => catalog.getEntityByRef(ref),
    workingDirectory: dirs.work,
    logger: logger.child({ plugin: 'scaffolder' }),
  });

  const { signIn, auth } = createExampleAuth({ oidc: options.oidc, oidcPort: options.oidcPort, port: options.port, dataDir, catalog, logger });
  const plugins = createExamplePlugins({ catalog, techdocsPlugin: techdocsPluginInstance, docs, scaffolder, signIn, dataDir, logger, progress });
  const portal = createPortal({ plugins, logger, auth });

  let starting: Promise<void> | undefined;
  const start = () => (starting ??= portal.start().catch((error) => {
    starting = undefined;
    throw error;
  }));
  return {
    portal,
    catalog,
    techdocs,
    integrations,
    git,
    start,
    async listen() {
      await start();
      const server = await portal.listen({ port: options.port ?? 7007, host: options.host ?? '127.0.0.1' });
      // The demo provider needs the portal's URL (its redirect URI), known only now.
      try {
        await signIn.start(server.url);
      } catch (error) {
        await server.close();
        throw error;
      }
      return server;
    },
    oidc: signIn.settings,
    async stop() {
      starting = undefined;
      await portal.stop();
      await signIn.stop();
      await git.close();
    },
  };
}
