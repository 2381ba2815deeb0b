import { createPortalAuth, type PortalAuth } from './auth/portal-auth.js';
import { getResponseError, InputError, ServiceUnavailableError, toHttpResponse } from './errors.js';
import { createEventBus, type EventBus } from './events.js';
import type { Handler } from './handler.js';
import { createHealthRoutes, type HealthOptions } from './health.js';
import { createMetricsRoute, instrumentHandler } from './http-metrics.js';
import { listenNode, type PortalServer } from './listen.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createLogger, type Logger } from './logger.js';
import type { PortalContext, PortalPlugin } from './plugin.js';
import { createUrlReader } from './readers/compose.js';
import type { UrlReader } from './readers/types.js';
import { mountHandlers } from './router/mount.js';
import { requestHandler } from './router/request.js';
import { createServiceRegistry } from './services.js';

/**
 * Options of {@link createPortal}.
 * @example
 * ```ts
 * createPortal({ config, plugins: [catalogPlugin()], logger, reader: createUrlReader({ file: { root: '.' } }) });
 * ```
 */
export interface PortalOptions {
  /**
   * Config handed to every plugin (see `loadConfig`); default `{}`. Plugins created without
   * options read their own section of it (`catalog`, `techdocs`, `scaffolder`, `search`).
   */
  config?: Record<string, unknown>;
  /** Composed in order: started in this order, stopped in reverse. Ids must be unique. */
  plugins: PortalPlugin[];
  /** Default: `createLogger()`. Each plugin gets a child logger with `{ plugin: id }`. */
  logger?: Logger;
  /**
   * Default: a new in-process bus whose subscriber errors are logged. A bus with `start`/`stop`
   * (the PostgreSQL bus of `@portalkit/sql`, shared by several processes) is started after the
   * plugins and stopped before them.
   */
  events?: EventBus<Record<string, unknown>>;
  /** Default: a reader for files below the current directory. */
  reader?: UrlReader;
  /**
   * Identity, policy and audit handed to every plugin. Default: `createPortalAuth({ logger })`,
   * which treats every request as anonymous and allows everything.
   */
  auth?: PortalAuth;
  /**
   * Told about every failed request `fetch` answers, wherever it is mounted (`listen`, Express,
   * Fastify, Hono): each 5xx response, with the error a plugin's router turned into it. Default:
   * logged as `request failed` with the method, path, status and error.
   */
  onError?: (error: unknown, request: Request) => void;
  /**
   * Liveness and readiness routes (`/.backstage/health/v1/liveness|readiness`, `/healthz`,
   * `/readyz`), served before any plugin and without asking the policy (probes carry no
   * identity). Default on; `false` removes them.
   */
  health?: HealthOptions | false;
  /**
   * The portal's metrics, handed to plugins as `context.metrics` (default a new registry).
   * `expose: true` serves them at `path` (default `/metrics`) in Prometheus' text format, before
   * any plugin and without asking the policy: expose it only where the scraper alone can reach
   * it, or serve `portal.metrics.render()` on a port of your own.
   */
  metrics?: { registry?: Metrics; expose?: boolean; path?: string };
}


/**
 * Plugins composed behind one web-standard handler.
 *
 * @example
 * ```ts
 * const portal = createPortal({ config, plugins: [catalogPlugin(), scaffolderPlugin()] });
 * await portal.start();
 * const server = await portal.listen({ port: 7007 });
 * // ... later
 * await portal.stop();
 * ```
 */
export interface Portal {
  /** Serves every plugin at its base path; mount it in any framework. */
  fetch: Handler;
  /** Call `fetch` without a server (tests): `portal.request('/api/catalog/entities')`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Start plugins in order. If one fails, those already started are stopped and the error rethrown. */
  start(): Promise<void>;
  /** Stop plugins in reverse order (errors are logged, every plugin gets its stop) and close servers. */
  stop(): Promise<void>;
  /** The registry plugins record into (`context.metrics`); render it for a scraper. */
  metrics: Metrics;
  /** Serve `fetch` with `node:http`; `port: 0` picks a free port. Default host `127.0.0.1`. */
  listen(options: { port: number; host?: string }): Promise<PortalServer>;
}

/**
 * Compose {@link PortalPlugin}s into a {@link Portal}: each plugin's handler is mounted at its
 * `basePath` (default `/api/<id>`).
 *
 * @example
 * ```ts
 * const hello: PortalPlugin = { id: 'hello', handler: async () => Response.json({ hello: 'world' }) };
 * const portal = createPortal({ plugins: [hello] });
 * const res = await portal.request('/api/hello');
 * await res.json(); // { hello: 'world' }
 * ```
 */
export function createPortal(options: PortalOptions): Portal {
  if (!options || !Array.isArray(options.plugins)) throw new InputError('createPortal: `plugins` must be a list');
  const ids = new Set<string>();
  for (const plugin of options.plugins) {
    if (!plugin || typeof plugin.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(plugin.id)) {
      throw new InputError(`createPortal: plugin id ${JSON.stringify(plugin?.id)} must be a non-empty word`);
    }
    if (ids.has(plugin.id)) throw new InputError(`createPortal: two plugins have the id "${plugin.id}"`);
    ids.add(plugin.id);
  }
  const plugins = [...options.plugins];
  const config = options.config ?? {};
  const logger = options.logger ?? createLogger();
  const events =
    options.events ??
    createEventBus({ onError: (error, topic) => logger.error('event subscriber failed', { topic, error }) });
  const reader = options.reader ?? createUrlReader({ file: { root: process.cwd() } });
  const auth = options.auth ?? createPortalAuth({ logger: logger.child({ plugin: 'auth' }) });

  const metrics = options.metrics?.registry ?? createMetrics();
  const metricsPath = options.metrics?.path ?? '/metrics';
  if (typeof metricsPath !== 'string' || !metricsPath.startsWith('/')) throw new InputError(`createPortal: metrics.path must start with /, got ${JSON.stringify(metricsPath)}`);
  const mounted = mountHandlers(
    plugins.filter((plugin) => plugin.handler).map((plugin) => {
      const basePath = plugin.basePath ?? `/api/${plugin.id}`;
      return { basePath, handler: instrumentHandler(plugin.handler!, basePath, metrics) };
    }),
  );
  // Plugins learn the portal's auth in start(); before that a plugin built without its own
  // `auth` would serve with the allow-all default. With a policy, answer 503 until started.
  let ready = false;
  let stopping = false;
  const guarded: Handler = options.auth?.hasPolicy
    ? async (request) =>
        ready ? mounted(request) : toHttpResponse(new ServiceUnavailableError('The portal is starting; try again shortly'), request)
    : mounted;
  const health =
    options.health === false
      ? undefined
      : createHealthRoutes(options.health ?? {}, {
          isReady: () => ready,
          phase: () => (stopping ? 'stopping' : ready ? 'ready' : 'starting'),
          checks: () => plugins.filter((p) => p.readiness).map((p) => ({ name: p.id, check: (signal) => p.readiness!(signal) })),
          logger: logger.child({ component: 'health' }),
        });
  const scrape = options.metrics?.expose ? createMetricsRoute(metrics, metricsPath) : undefined;
  const serve: Handler = (request) => health?.(request) ?? scrape?.(request) ?? guarded(request);
  const onError =
    options.onError ??
    ((error: unknown, request: Request) =>
      logger.error('request failed', { method: request.method, path: new URL(request.url).pathname, error }));
  // Routers answer their errors themselves, so failures are found on the responses.
  const fetch: Handler = async (request) => {
    const response = await serve(request);
    if (response.status >= 500) {
      try {
        onError(getResponseError(response) ?? new Error(`answered ${response.status}`), request);
      } catch {
        // A failing error hook must not turn the response into another failure.
      }
    }
    return response;
  };

  const started: PortalPlugin[] = [];
  const servers = new Set<PortalServer>();
  let starting: Promise<void> | undefined;

  const stopPlugins = async () => {
    while (started.length > 0) {
      const plugin = started.pop()!;
      try {
        await plugin.stop?.();
      } catch (error) {
        logger.error('plugin failed to stop', { plugin: plugin.id, error });
      }
    }
  };

  return {
    fetch,
    metrics,
    request: (path, init) => requestHandler(fetch, path, init),

    start() {
      starting ??= (async () => {
        stopping = false;
        // A fresh registry per start: a restarted portal's plugins provide their services again.
        const services = createServiceRegistry();
        for (const plugin of plugins) {
          const context: PortalContext = {
            config,
            logger: logger.child({ plugin: plugin.id }),
            events,
            reader,
            auth,
            services: services.forPlugin(plugin.id),
            metrics,
          };
          try {
            await plugin.start?.(context);
          } catch (error) {
            logger.error('plugin failed to start', { plugin: plugin.id, error });
            await stopPlugins();
            starting = undefined;
            throw error;
          }
          started.push(plugin);
        }
        // A shared bus starts last: what it replays on starting reaches every plugin's subscribers.
        try {
          await events.start?.();
        } catch (error) {
          logger.error('event bus failed to start', { error });
          await stopPlugins();
          starting = undefined;
          throw error;
        }
        ready = true;
      })();
      return starting;
    },

    async stop() {
      // Readiness answers 503 from here on, so a load balancer drains this process first.
      stopping = true;
      ready = false;
      await starting?.catch(() => {});
      starting = undefined;
      ready = false;
      await Promise.all([...servers].map((server) => server.close()));
      try {
        await events.stop?.();
      } catch (error) {
        logger.error('event bus failed to stop', { error });
      }
      await stopPlugins();
    },

    async listen({ port, host = '127.0.0.1' }) {
      // `fetch` reports its own failures to `onError`; the rest cannot fail past a response.
      const handle = await listenNode(fetch, { port, host, logger, onClose: (closed) => servers.delete(closed) });
      servers.add(handle);
      return handle;
    },
  };
}
