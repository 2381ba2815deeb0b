import { InputError, createPortalAuth, type EventBus, type Logger, type Metrics, type PortalAuth, type PortalPlugin, type UrlReader } from '@portalkit/core';
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
export interface TechDocsPluginOptions extends TechDocsOptions {
  /** Mount point; default `/api/techdocs`. */
  basePath?: string;
}

/**
 * TechDocs as a portal plugin (`id: 'techdocs'`), serving Backstage's TechDocs routes. Each site
 * it builds is announced as `techdocs.site.built` on the portal's event bus. Requests are
 * identified and authorized with `options.auth ?? context.auth` (see `TechDocsLibrary.forPrincipal`).
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [techdocsPlugin({ publisher: memoryPublisher(), getEntity })] });
 * ```
 */
export function techdocsPlugin(options: TechDocsPluginOptions): PortalPlugin & { techdocs: TechDocs } {
  if (!options?.publisher) throw new InputError('techdocsPlugin: publisher is required');
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
    },
  };
}
