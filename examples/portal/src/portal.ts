import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createPortal, createPortalAuth } from '@portalkit/core';
import type { Logger, Portal, PortalPlugin, PortalServer, Principal } from '@portalkit/core';
import { CATALOG_FILTER_EXISTS, builtinKinds, catalogPlugin, createCatalog } from '@portalkit/catalog';
import type { Catalog, CatalogView } from '@portalkit/catalog';
import { ANNOTATION_TECHDOCS_REF, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { builtinActions, createScaffolder, scaffolderPlugin } from '@portalkit/scaffolder';
import type { ScaffolderCatalog } from '@portalkit/scaffolder';
import { localPublisher, techdocsPlugin } from '@portalkit/techdocs';
import type { TechDocs } from '@portalkit/techdocs';
import { catalogCollator, searchPlugin, techdocsCollator } from '@portalkit/search';
import type { TechDocsSite } from '@portalkit/search';
import { builtinChecks, scorecardKind, scorecardProcessor, scorecardsPlugin } from '@portalkit/scorecards';
import { authPlugin, createDemoPolicy, createPortalSignIn } from './auth/index.js';
import type { OidcSettings } from './auth/index.js';
import { checkoutLocalRepo, parseLocalBlobUrl } from './local-git.js';
import { guardDocsPaths } from './docs-path-guard.js';
import { withSecurityHeaders } from './security-headers.js';
import { createStaticHandler } from './static.js';

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
}

/** The composed example portal. */
export interface ExamplePortal {
  /** The underlying portal: mount `portal.fetch` in any framework. */
  portal: Portal;
  catalog: Catalog;
  techdocs: TechDocs;
  /** Ingest the catalog, build docs, index search and start every plugin. Idempotent. */
  start(): Promise<void>;
  /** `start()`, then serve on the configured host and port (and start the demo provider). */
  listen(): Promise<PortalServer>;
  /** Where the browser signs in; `undefined` before `listen()` when the demo provider is used. */
  oidc(): OidcSettings | undefined;
  /** Stop plugins and close servers. */
  stop(): Promise<void>;
}

/**
 * Builds the example portal: the web UI from `public/` at `/`, and the catalog, scaffolder,
 * TechDocs and search plugins under `/api/*`, fed by the demo org in `data/`. Scaffolded
 * repositories are pushed to bare repositories in `<stateDir>/repos`, checked out to
 * `<stateDir>/checkouts` and registered from there, so they appear in the catalog (and their docs
 * in TechDocs) right away.
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
  const dirs = {
    repos: path.join(stateDir, 'repos'),
    checkouts: path.join(stateDir, 'checkouts'),
    docs: path.join(stateDir, 'techdocs'),
    work: path.join(stateDir, 'work'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  // Catalog files and docs sources are read below one root: the demo data and the checkouts.
  const rootDir = commonAncestor(dataDir, dirs.checkouts);

  const catalog = createCatalog({
    rootDir,
    locations: [{ type: 'file', target: path.join(dataDir, 'catalog-info.yaml') }],
    // Scorecards live in the catalog as `kind: Scorecard` YAML (data/scorecards/).
    kinds: [...builtinKinds, scorecardKind],
    processors: [scorecardProcessor({ checks: builtinChecks() })],
    // No `events`: started as a plugin, the catalog publishes on the portal's bus.
    logger: logger.child({ plugin: 'catalog' }),
  });

  const techdocsPluginInstance = techdocsPlugin({
    publisher: localPublisher({ root: dirs.docs }),
    getEntity: (name) => catalog.getEntityByRef(name),
    root: rootDir,
    workDir: dirs.work,
    logger: logger.child({ plugin: 'techdocs' }),
  });
  const { techdocs } = techdocsPluginInstance;

  /** Builds (or refreshes) an entity's docs; TechDocs announces the new site and search indexes it. */
  const syncDocs = async (entity: Entity) => {
    await techdocs.sync(entity, { onLog: (message) => logger.debug(message, { entity: entity.metadata.name }) });
  };
  const docsSite = async (entity: Entity): Promise<TechDocsSite | undefined> => {
    try {
      const file = await techdocs.publisher.readFile(entity, 'search/search_index.json');
      return { entityRef: stringifyEntityRef(entity), entity, searchIndex: JSON.parse(file.content.toString('utf8')) };
    } catch {
      return undefined;
    }
  };
  const docsEntities = async () =>
    (await catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_TECHDOCS_REF}`]: CATALOG_FILTER_EXISTS } })).items;

  // `catalog:register` receives the `file://…/<repo>.git/blob/main/catalog-info.yaml` URL that
  // `publish:git` produced; the demo registers a fresh checkout of that repository instead.
  // The catalog actions act as the task's creator (`forPrincipal`): `catalog:fetch` reads only what
  // the creator may read, `catalog:register` needs its `catalog.location.create` and
  // `catalog.entity.create` and is audited as it. Nothing here reads or registers as the host.
  const scaffolderCatalogAs = (view: CatalogView): ScaffolderCatalog => ({
    async addLocation(location, addOptions) {
      const blob = parseLocalBlobUrl(location.target);
      const spec = blob
        ? { type: 'file', target: path.join(await checkoutLocalRepo(blob, dirs.checkouts, dirs.repos), blob.filePath) }
        : location;
      const result = await view.addLocation(spec, addOptions);
      if (!addOptions?.dryRun) {
        for (const entity of result.entities) {
          if (entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF]) {
            await syncDocs(entity).catch((error) => logger.warn('docs build failed', { entity: stringifyEntityRef(entity), error }));
          }
        }
      }
      return result;
    },
    getEntityByRef: (ref) => view.getEntityByRef(ref),
    refresh: ({ entityRef }) => view.refresh({ entityRef }),
  });
  const scaffolderCatalog: ScaffolderCatalog = {
    ...scaffolderCatalogAs(catalog),
    forPrincipal: (principal) => scaffolderCatalogAs(catalog.forPrincipal(principal)),
  };

  const globals = { localGitRoot: dirs.repos };
  const scaffolder = createScaffolder({
    // publish:git may only create repositories below the demo's repos folder.
    actions: builtinActions({ catalog: scaffolderCatalog, globals, gitRemoteRoots: [dirs.repos] }),
    globals,
    // `${{ user.entity }}` in templates: the signed-in user's entity.
    getUserEntity: (ref) => catalog.getEntityByRef(ref),
    workingDirectory: dirs.work,
    logger: logger.child({ plugin: 'scaffolder' }),
  });

  const signIn = createPortalSignIn({
    oidc: options.oidc,
    dataDir,
    port: options.oidcPort ?? (options.port ? options.port + 1 : 0),
    catalog,
    logger: logger.child({ plugin: 'oidc' }),
  });
  const auth = createPortalAuth({ identify: signIn.identify, policy: createDemoPolicy(), logger: logger.child({ plugin: 'auth' }) });

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
    { ...techdocsPluginInstance, handler: guardDocsPaths(techdocsPluginInstance.handler!, techdocsPluginInstance.basePath ?? '/api/techdocs') },
    {
      // Builds every entity's docs once at start-up, before search indexes them.
      id: 'docs-bootstrap',
      async start() {
        const entities = await docsEntities();
        let built = 0;
        for (const entity of entities) {
          try {
            await techdocs.sync(entity);
            built += 1;
          } catch (error) {
            logger.warn('docs build failed', { entity: stringifyEntityRef(entity), error });
          }
        }
        progress(`built docs for ${built} ${built === 1 ? 'component' : 'components'}`);
      },
    },
    // A template is read as the caller: one the policy hides from them cannot be run by them.
    scaffolderPlugin({
      scaffolder,
      getTemplate: (ref, context?: { principal: Principal }) => (context ? catalog.forPrincipal(context.principal) : catalog).getEntityByRef(ref),
    }),
    searchPlugin({
      collators: [
        catalogCollator({ getEntities: async () => (await catalog.getEntities()).items }),
        techdocsCollator({
          sites: async () => {
            const sites = await Promise.all((await docsEntities()).map(docsSite));
            return sites.filter((s): s is TechDocsSite => s !== undefined);
          },
        }),
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
  const secured = plugins.map((plugin) => (plugin.handler ? { ...plugin, handler: withSecurityHeaders(plugin.handler, { connectSrc }) } : plugin));
  const portal = createPortal({ plugins: secured, logger, auth });

  let starting: Promise<void> | undefined;
  const start = () => (starting ??= portal.start().catch((error) => {
    starting = undefined;
    throw error;
  }));
  return {
    portal,
    catalog,
    techdocs,
    start,
    async listen() {
      await start();
      const server = await portal.listen({ port: options.port ?? 7007, host: options.host ?? '127.0.0.1' });
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
    },
  };
}

/** Deepest directory containing both paths. */
function commonAncestor(a: string, b: string): string {
  const pa = path.resolve(a).split(path.sep);
  const pb = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i += 1;
  return pa.slice(0, i).join(path.sep) || path.sep;
}
