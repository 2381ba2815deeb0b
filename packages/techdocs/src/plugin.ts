import { InputError, type Logger, type PortalPlugin, type UrlReader } from '@portalkit/core';
import { createTechDocs } from './create-techdocs.js';
import type { TechDocs, TechDocsOptions } from './techdocs.js';

/**
 * Options of {@link techdocsPlugin}: those of `createTechDocs`, plus where to mount.
 * `reader` and `logger` default to the portal's.
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
 * TechDocs as a portal plugin (`id: 'techdocs'`), serving Backstage's TechDocs routes.
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
  const techdocs = createTechDocs({ ...options, reader, logger });
  return {
    id: 'techdocs',
    basePath,
    handler: techdocs.handler({ basePath }),
    techdocs,
    start(context) {
      portalReader = context.reader;
      portalLogger = context.logger.child({ plugin: 'techdocs' });
    },
  };
}
