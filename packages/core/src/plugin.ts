import type { PortalAuth } from './auth/portal-auth.js';
import type { EventBus } from './events.js';
import type { Handler } from './handler.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { UrlReader } from './readers/types.js';
import type { PortalServices } from './services.js';

/**
 * What `createPortal()` hands every plugin when the portal starts.
 * @example
 * ```ts
 * const plugin: PortalPlugin = {
 *   id: 'audit',
 *   start({ logger, events }: PortalContext) {
 *     events.subscribe('catalog.entity.updated', (p) => logger.info('updated', { p }));
 *   },
 * };
 * ```
 */
export interface PortalContext {
  /**
   * The portal's config (the whole tree, as `loadConfig` returned it); a plugin reads its own
   * section with `readConfigSection`, which names file:line in its errors.
   */
  config: Record<string, unknown>;
  logger: Logger;
  events: EventBus<Record<string, unknown>>;
  reader: UrlReader;
  /** Identity, policy and audit shared by every plugin (allow-all and anonymous by default). */
  auth: PortalAuth;
  /** The portal's metrics registry (always given by `createPortal`; optional for hand-made contexts). */
  metrics?: Metrics;
  /** Services provided by the plugins started before this one (the catalog, TechDocs). */
  services: PortalServices;
}

/**
 * A unit that `createPortal()` composes: each package exports a factory returning one
 * (`catalogPlugin()`, `scaffolderPlugin()`, `techdocsPlugin()`).
 *
 * @example
 * ```ts
 * const hello: PortalPlugin = {
 *   id: 'hello',
 *   handler: async () => Response.json({ hello: 'world' }),
 * };
 * ```
 */
export interface PortalPlugin {
  /** Unique id; also the default mount point `/api/<id>`. */
  id: string;
  /** Where the handler is mounted; default `/api/<id>`. Use `/` for a catch-all page. */
  basePath?: string;
  /** Serves requests below `basePath`; the request URL keeps its full path. */
  handler?: Handler;
  /** Called once by `portal.start()`, in plugin order. */
  start?(context: PortalContext): Promise<void> | void;
  /** Called by `portal.stop()`, in reverse order. */
  stop?(): Promise<void> | void;
  /**
   * Asked by the portal's readiness route while the portal runs: resolve when the plugin can
   * serve (e.g. its database answers), throw otherwise. Keep it cheap; it is aborted and counted
   * as failed after the portal's `health.checkTimeoutMs`.
   */
  readiness?(signal: AbortSignal): Promise<void> | void;
}
