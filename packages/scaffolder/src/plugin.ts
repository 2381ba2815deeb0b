import type { PortalPlugin } from '@portalkit/core';
import type { Scaffolder } from './scaffolderTypes.js';
import type { ScaffolderHandlerOptions } from './http/options.js';

/** Options of {@link scaffolderPlugin}. */
export interface ScaffolderPluginOptions extends Omit<ScaffolderHandlerOptions, 'basePath'> {
  scaffolder: Scaffolder;
  /** Mount point; default `/api/scaffolder`. */
  basePath?: string;
  /** Poll the task store and recover crashed workers' tasks while the portal runs; default true. */
  startWorker?: boolean;
}

/**
 * The scaffolder as a portal plugin: serves the scaffolder API and runs the task worker
 * between `portal.start()` and `portal.stop()`.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [scaffolderPlugin({ scaffolder, getTemplate })] });
 * ```
 */
export function scaffolderPlugin(options: ScaffolderPluginOptions): PortalPlugin {
  const basePath = options.basePath ?? '/api/scaffolder';
  const { scaffolder, startWorker = true, ...handlerOptions } = options;
  return {
    id: 'scaffolder',
    basePath,
    handler: scaffolder.handler({ ...handlerOptions, basePath }),
    async start() {
      if (startWorker) await scaffolder.start();
    },
    async stop() {
      await scaffolder.stop();
    },
  };
}
