import type { PortalAuth, PortalPlugin } from '@portalkit/core';
import type { Scaffolder } from './scaffolderTypes.js';
import type { ScaffolderHandlerOptions } from './http/options.js';

/** Options of {@link scaffolderPlugin}. */
export interface ScaffolderPluginOptions extends Omit<ScaffolderHandlerOptions, 'basePath' | 'auth'> {
  scaffolder: Scaffolder;
  /** Identity, policy and audit for requests; default the portal's (`PortalContext.auth`), else the scaffolder's own before the portal starts. */
  auth?: PortalAuth;
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
  const { scaffolder, startWorker = true, auth, ...handlerOptions } = options;
  let portalAuth: PortalAuth | undefined;
  return {
    id: 'scaffolder',
    basePath,
    handler: scaffolder.handler({ ...handlerOptions, basePath, auth: () => auth ?? portalAuth }),
    async start(context) {
      portalAuth = context?.auth;
      if (startWorker) await scaffolder.start({ auth: auth ?? portalAuth, metrics: context?.metrics });
    },
    async stop() {
      await scaffolder.stop();
    },
  };
}
