import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createPortal } from '@portalkit/core';
import type { Logger, Portal, PortalPlugin, PortalServer } from '@portalkit/core';
import { createStaticHandler } from './static.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Options of {@link createExamplePortal}. */
export interface ExamplePortalOptions {
  /** Folder with the root `catalog-info.yaml`; default the bundled ACME demo org (`../data`). */
  dataDir?: string;
  /** Where repositories, built docs and task workspaces go; default `<cwd>/.portalkit`. */
  stateDir?: string;
  /** Port for {@link ExamplePortal.listen}; default 7007, `0` picks a free one. */
  port?: number;
  /** Host for {@link ExamplePortal.listen}; default `127.0.0.1`. */
  host?: string;
  /** Default: `createLogger()`. */
  logger?: Logger;
  /** Told about start-up progress (`ingested 84 entities`); default: nothing. */
  onProgress?: (message: string) => void;
}

/** The composed example portal. */
export interface ExamplePortal {
  /** The underlying portal (mount `portal.fetch` in any framework). */
  portal: Portal;
  /** Ingest the catalog and build docs, then start every plugin. Idempotent. */
  start(): Promise<void>;
  /** `start()`, then serve on the configured host and port. */
  listen(): Promise<PortalServer>;
  /** Stop plugins and close servers. */
  stop(): Promise<void>;
}

/**
 * Builds the example portal: the web UI from `public/` at `/` plus the catalog, scaffolder,
 * techdocs and search plugins under `/api/*`, fed by the demo org in `data/`.
 *
 * @example
 * ```ts
 * const example = await createExamplePortal({ port: 0 });
 * const { url } = await example.listen();
 * console.log(`open ${url}`);
 * ```
 */
export async function createExamplePortal(options: ExamplePortalOptions = {}): Promise<ExamplePortal> {
  const dataDir = path.resolve(options.dataDir ?? path.join(here, '../data'));
  const stateDir = path.resolve(options.stateDir ?? path.join(process.cwd(), '.portalkit'));
  const logger = options.logger ?? createLogger();
  await mkdir(stateDir, { recursive: true });

  const ui: PortalPlugin = {
    id: 'ui',
    basePath: '/',
    handler: createStaticHandler({ root: path.join(here, '../public') }),
  };
  const portal = createPortal({ plugins: [ui], logger });
  void dataDir;

  let starting: Promise<void> | undefined;
  const start = () => (starting ??= portal.start());
  return {
    portal,
    start,
    async listen() {
      await start();
      return portal.listen({ port: options.port ?? 7007, host: options.host ?? '127.0.0.1' });
    },
    async stop() {
      starting = undefined;
      await portal.stop();
    },
  };
}
