import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, PortalPlugin, Principal } from '@portalkit/core';
import { catalogPlugin } from '@portalkit/catalog';
import type { Catalog } from '@portalkit/catalog';
import { scaffolderPlugin } from '@portalkit/scaffolder';
import type { Scaffolder } from '@portalkit/scaffolder';
import type { TechDocs } from '@portalkit/techdocs';
import { catalogCollator, searchPlugin, techdocsCollator } from '@portalkit/search';
import { scorecardsPlugin } from '@portalkit/scorecards';
import { authPlugin } from './auth/index.js';
import type { PortalSignIn } from './auth/index.js';
import { docsBootstrapPlugin } from './docs-bootstrap.js';
import { guardDocsPaths } from './docs-path-guard.js';
import type { EntityDocs } from './entity-docs.js';
import { withSecurityHeaders } from './security-headers.js';
import { createStaticHandler } from './static.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Options of {@link createExamplePlugins}: the parts the plugins serve. */
export interface ExamplePluginsOptions {
  catalog: Catalog;
  /** The TechDocs plugin (built before, since the docs glue needs its `techdocs`). */
  techdocsPlugin: PortalPlugin & { techdocs: TechDocs };
  docs: EntityDocs;
  scaffolder: Scaffolder;
  signIn: Pick<PortalSignIn, 'settings'>;
  /** The demo org's data folder (its `scorecards/` are the trusted ones). */
  dataDir: string;
  logger: Logger;
  progress: (message: string) => void;
}

/**
 * The example portal's plugins, in start order: auth routes, catalog, TechDocs, the docs build at
 * start-up, scaffolder, search, scorecards and the web UI. Every handler gets the portal's
 * security headers.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: createExamplePlugins({ catalog, techdocsPlugin, docs, scaffolder, signIn, dataDir, logger, progress }), auth });
 * ```
 */
export function createExamplePlugins(options: ExamplePluginsOptions): PortalPlugin[] {
  const { catalog, techdocsPlugin, docs, scaffolder, signIn, dataDir, logger, progress } = options;
  const catalogPluginInstance = catalogPlugin({ catalog });
  const plugins: PortalPlugin[] = [
    authPlugin({ catalog, oidc: signIn.settings }),
    {
      ...catalogPluginInstance,
      async start(context) {
        await catalogPluginInstance.start?.(context);
        const { totalItems } = await catalog.query({ limit: 1 });
        progress(`ingested ${totalItems} entities`);
        for (const problem of await catalog.getProcessingErrors()) {
          logger.warn('catalog processing problem', { entityRef: problem.entityRef, errors: problem.errors });
        }
      },
    },
    { ...techdocsPlugin, handler: guardDocsPaths(techdocsPlugin.handler!, techdocsPlugin.basePath ?? '/api/techdocs') },
    docsBootstrapPlugin({ docs, techdocs: techdocsPlugin.techdocs, logger, progress }),
    // A template is read as the caller: one the policy hides from them cannot be run by them.
    scaffolderPlugin({
      scaffolder,
      getTemplate: (ref, context?: { principal: Principal }) => (context ? catalog.forPrincipal(context.principal) : catalog).getEntityByRef(ref),
    }),
    searchPlugin({
      collators: [
        catalogCollator({ getEntities: async () => (await catalog.getEntities()).items }),
        techdocsCollator({ sites: () => docs.sites() }),
      ],
    }),
    // Only the portal's own scorecards are trusted; a Scorecard in a scaffolded repository is ignored.
    scorecardsPlugin({ catalog, trustedLocations: [{ type: 'file', pattern: path.join(dataDir, 'scorecards', '*.yaml') }] }),
    { id: 'ui', basePath: '/', handler: createStaticHandler({ root: path.join(here, '../public') }) },
  ];
  // Every response, API and docs included, gets the portal's framing, sniffing and CSP headers.
  // The page may call the issuer (discovery, token endpoint) during sign-in.
  const connectSrc = () => {
    const issuer = signIn.settings()?.issuer;
    return issuer ? [new URL(issuer).origin] : [];
  };
  return plugins.map((plugin) => (plugin.handler ? { ...plugin, handler: withSecurityHeaders(plugin.handler, { connectSrc }) } : plugin));
}
