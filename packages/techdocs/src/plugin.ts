import { InputError, type EventBus, type Logger, type PortalPlugin, type UrlReader } from '@portalkit/core';
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
 * it builds is announced as `techdocs.site.built` on the portal's event bus.
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
  const techdocs = createTechDocs({ ...options, reader, logger, events });
  return {
    id: 'techdocs',
    basePath,
    handler: techdocs.handler({ basePath }),
    techdocs,
    start(context) {
      portalReader = context.reader;
      portalLogger = context.logger.child({ plugin: 'techdocs' });
      portalEvents = context.events;
    },
  };
}
