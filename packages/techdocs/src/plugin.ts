import {
  InputError,
  ServiceUnavailableError,
  createPortalAuth,
  eventStreamResponse,
  toHttpResponse,
  type EventBus,
  type Handler,
  type Logger,
  type Metrics,
  type PortalAuth,
  type PortalContext,
  type PortalPlugin,
  type UrlReader,
} from '@portalkit/core';
import { catalogServiceRef } from '@portalkit/catalog-model';
import { portalIntegrations } from '@portalkit/integrations';
import { techdocsFromConfig } from './config.js';
import { techdocsServiceRef } from './events/index.js';
import { createTechDocs } from './create-techdocs.js';
import type { TechDocs, TechDocsEventSink, TechDocsOptions } from './techdocs.js';


/**
 * Options of {@link techdocsPlugin}: those of `createTechDocs`, plus where to mount.
 * `reader`, `logger` and `events` default to the portal's.
 *
 * @example
 * ```ts
 * const options: TechDocsPluginOptions = { publisher: localPublisher({ root: './docs-store' }), getEntity };
 * ```
 */
export interface TechDocsPluginOptions extends Partial<TechDocsOptions> {
  /** Mount point; default `/api/techdocs`. */
  basePath?: string;
}

/**
 * TechDocs as a portal plugin (`id: 'techdocs'`), serving Backstage's TechDocs routes. Each site
 * it builds is announced as `techdocs.site.built` on the portal's event bus. Requests are
 * identified and authorized with `options.auth ?? context.auth` (see `TechDocsLibrary.forPrincipal`).
 *
 * Created without a `publisher` (`techdocsPlugin()`), it reads the portal config's `techdocs`
 * section at `start()` (`builder`, `publisher.local.publishDirectory` relative to the config
 * file; `generator` keys are reported as ignored), builds `integrations`, and looks entities up
 * in the catalog that `catalogPlugin()` provided before it; the other options given still win.
 * Its `techdocs` exists from `start()` on, and the routes answer 503 until then. With
 * `builder: external` nothing is built: `/sync` reports no update and the published sites are
 * served. Every started TechDocs is provided to later plugins as `techdocsServiceRef`.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [techdocsPlugin({ publisher: memoryPublisher(), getEntity })] });
 * // or, from app-config.yaml:
 * const fromConfig = createPortal({ config: await loadConfig(), plugins: [catalogPlugin(), techdocsPlugin()] });
 * ```
 */
export function techdocsPlugin(options: TechDocsPluginOptions = {}): PortalPlugin & { techdocs: TechDocs } {
  if (options.publisher === undefined) return techdocsPluginFromConfig(options);
  return techdocsPluginWith({ ...options, publisher: options.publisher });
}

function techdocsPluginWith(options: TechDocsPluginOptions & Pick<TechDocsOptions, 'publisher'>): PortalPlugin & { techdocs: TechDocs } {
  const basePath = options.basePath ?? '/api/techdocs';
  let portalReader: UrlReader | undefined;
  let portalLogger: Logger | undefined;
  let portalEvents: EventBus<Record<string, unknown>> | undefined;
  // The portal's reader and logger only exist once it starts, after the handler was created.
  const reader: UrlReader = {
    canRead: (url) => (options.reader ?? portalReader)?.canRead(url) ?? false,
    read: (url, o) => requireReader().read(url, o),
    readTree: (url, o) => requireReader().readTree(url, o),
  };
  const requireReader = () => {
    const r = options.reader ?? portalReader;
    if (!r) throw new InputError('techdocs: no URL reader available (pass one or start the portal)');
    return r;
  };
  const logger: Logger = {
    debug: (m, f) => (options.logger ?? portalLogger)?.debug(m, f),
    info: (m, f) => (options.logger ?? portalLogger)?.info(m, f),
    warn: (m, f) => (options.logger ?? portalLogger)?.warn(m, f),
    error: (m, f) => (options.logger ?? portalLogger)?.error(m, f),
    child: (fields) => (options.logger ?? portalLogger)?.child(fields) ?? logger,
  };
  // Built sites are announced on the portal's bus once it has started (search listens there).
  const events: TechDocsEventSink = {
    publish: async (topic, payload) => {
      await (options.events ?? portalEvents)?.publish(topic, payload);
    },
  };
  // Requests are authorized by `options.auth`, else the portal's once it has started (before
  // that, anonymous and allow-all: the portal serves nothing before it starts).
  let portalAuth: PortalAuth | undefined;
  let fallbackAuth: PortalAuth | undefined;
  const currentAuth = () => options.auth ?? portalAuth ?? (fallbackAuth ??= createPortalAuth({ logger }));
  const auth: PortalAuth = {
    get hasPolicy() {
      return currentAuth().hasPolicy;
    },
    identify: (request) => currentAuth().identify(request),
    requestId: (request) => currentAuth().requestId(request),
    authorize: (principal, permission) => currentAuth().authorize(principal, permission),
    authorizeResource: (principal, permission, resource, rules) => currentAuth().authorizeResource(principal, permission, resource, rules),
    assertAllowed: (principal, permission) => currentAuth().assertAllowed(principal, permission),
    audit: (record) => currentAuth().audit(record),
  };
  let portalMetrics: Metrics | undefined;
  const given = options.metrics;
  const metrics = () => (typeof given === 'function' ? given() : given) ?? portalMetrics;
  const techdocs = createTechDocs({ ...options, reader, logger, events, auth, metrics });
  return {
    id: 'techdocs',
    basePath,
    handler: techdocs.handler({ basePath }),
    techdocs,
    start(context) {
      portalReader = context.reader;
      portalLogger = context.logger.child({ plugin: 'techdocs' });
      portalEvents = context.events;
      portalAuth = context.auth;
      portalMetrics = context.metrics;
      if (context.services && !context.services.find(techdocsServiceRef)) context.services.provide(techdocsServiceRef, techdocs);
    },
  };
}

/** The plugin built at `start()` from the portal config (see {@link techdocsPlugin}). */
function techdocsPluginFromConfig(options: TechDocsPluginOptions): PortalPlugin & { techdocs: TechDocs } {
  const basePath = options.basePath ?? '/api/techdocs';
  let inner: (PortalPlugin & { techdocs: TechDocs }) | undefined;
  let external = false;
  const syncPrefix = `${basePath.replace(/\/$/, '')}/sync/`;
  const handler: Handler = async (request) => {
    if (!inner?.handler) return toHttpResponse(new ServiceUnavailableError('TechDocs is starting; try again shortly'), request);
    // builder: external: CI publishes the sites; the portal never builds (Backstage's behaviour).
    if (external && new URL(request.url).pathname.startsWith(syncPrefix)) {
      return eventStreamResponse(async (send) => void send('finish', { updated: false }));
    }
    return inner.handler(request);
  };
  const plugin = {
    id: 'techdocs',
    basePath,
    handler,
    start(context: PortalContext) {
      const logger = options.logger ?? context.logger;
      const built = techdocsFromConfig(context.config, logger);
      external = built.external;
      const catalog = options.getEntity ? undefined : context.services.get(catalogServiceRef);
      inner = techdocsPluginWith({
        root: built.root,
        integrations: options.integrations ?? portalIntegrations(context.config, context.services, logger),
        ...options,
        publisher: built.publisher,
        getEntity: options.getEntity ?? ((name) => catalog!.getEntityByRef(`${name.kind}:${name.namespace}/${name.name}`)),
        basePath,
      });
      return inner.start?.(context);
    },
  };
  return Object.defineProperty(plugin, 'techdocs', {
    enumerable: false,
    get(): TechDocs {
      if (!inner) throw new ServiceUnavailableError('techdocsPlugin: TechDocs is read from the portal config when the portal starts; call portal.start() first');
      return inner.techdocs;
    },
  }) as typeof plugin & { techdocs: TechDocs };
}
