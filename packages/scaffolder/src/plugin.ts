import path from 'node:path';
import {
  InputError,
  readConfigSection,
  ServiceUnavailableError,
  configDir,
  toHttpResponse,
  type Handler,
  type PortalAuth,
  type PortalContext,
  type PortalPlugin,
  type Principal,
} from '@portalkit/core';
import { catalogServiceRef } from '@portalkit/catalog-model';
import { portalIntegrations } from '@portalkit/integrations';
import { z } from 'zod';
import { builtinActions } from './actions/builtin/index.js';
import { readScaffolderConfig } from './config.js';
import { createScaffolder } from './create-scaffolder.js';
import type { ScaffolderHandlerOptions } from './http/options.js';
import type { Scaffolder } from './scaffolderTypes.js';
import type { ScaffolderCatalog } from './types.js';

/**
 * Options of {@link scaffolderPlugin}.
 * @example
 * ```ts
 * const options: ScaffolderPluginOptions = { scaffolder, getTemplate: (ref) => catalog.getEntityByRef(ref) };
 * ```
 */
export interface ScaffolderPluginOptions extends Omit<ScaffolderHandlerOptions, 'basePath' | 'auth' | 'getTemplate'> {
  /** The scaffolder to serve; without it one is created at start from the portal config. */
  scaffolder?: Scaffolder;
  /** Resolve a template ref; required with `scaffolder`, else read from the portal's catalog. */
  getTemplate?: ScaffolderHandlerOptions['getTemplate'];
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
 * Created without a `scaffolder` (`scaffolderPlugin()`), it creates one at `start()`: the
 * built-in actions with the config's `integrations` (publish actions of the configured hosts),
 * templates and `${{ user.entity }}` read from the catalog `catalogPlugin()` provided before it
 * (as the caller), `catalog:register` registering into it, and `scaffolder.concurrentTasksLimit`
 * from the config. Until then the API answers 503.
 *
 * @example
 * ```ts
 * const portal = createPortal({ plugins: [scaffolderPlugin({ scaffolder, getTemplate })] });
 * // or, from app-config.yaml:
 * const fromConfig = createPortal({ config: await loadConfig(), plugins: [catalogPlugin(), scaffolderPlugin()] });
 * ```
 */
export function scaffolderPlugin(options: ScaffolderPluginOptions = {}): PortalPlugin {
  const basePath = options.basePath ?? '/api/scaffolder';
  const { scaffolder: given, getTemplate: givenGetTemplate, startWorker = true, auth, ...handlerOptions } = options;
  if (given && !givenGetTemplate) throw new InputError('scaffolderPlugin: getTemplate is required with scaffolder');
  let portalAuth: PortalAuth | undefined;
  let scaffolder = given;
  const handlerFor = (s: Scaffolder, getTemplate: ScaffolderHandlerOptions['getTemplate']) =>
    s.handler({ ...handlerOptions, getTemplate, basePath, auth: () => auth ?? portalAuth });
  let handler: Handler | undefined = given && givenGetTemplate ? handlerFor(given, givenGetTemplate) : undefined;
  return {
    id: 'scaffolder',
    basePath,
    handler: (request) =>
      handler ? handler(request) : Promise.resolve(toHttpResponse(new ServiceUnavailableError('The scaffolder is starting; try again shortly'), request)),
    async start(context) {
      portalAuth = context?.auth;
      if (!scaffolder) {
        const built = scaffolderFromConfig(context, givenGetTemplate);
        scaffolder = built.scaffolder;
        handler = handlerFor(built.scaffolder, built.getTemplate);
      }
      if (startWorker) await scaffolder.start({ auth: auth ?? portalAuth, metrics: context?.metrics });
    },
    async stop() {
      await scaffolder?.stop();
    },
  };
}

function scaffolderFromConfig(context: PortalContext, givenGetTemplate: ScaffolderHandlerOptions['getTemplate'] | undefined) {
  const logger = context.logger;
  const section = readScaffolderConfig(context.config, logger);
  const catalog = context.services.get(catalogServiceRef);
  const integrations = portalIntegrations(context.config, context.services, logger);
  // Backstage's `backend.workingDirectory` is where task workspaces go (default the OS temp dir).
  const workingDirectory = readConfigSection(context.config, 'backend.workingDirectory', z.string().min(1).optional());
  const scaffolder = createScaffolder({
    // The catalog service has the shapes catalog:register and catalog:fetch use.
    actions: builtinActions({ catalog: catalog as unknown as ScaffolderCatalog, integrations, reader: context.reader }),
    getUserEntity: (ref) => catalog.getEntityByRef(ref),
    logger,
    ...(section.concurrentTasksLimit ? { concurrency: section.concurrentTasksLimit } : {}),
    ...(section.secrets ? { secretKeys: section.secrets.keys } : {}),
    ...(workingDirectory ? { workingDirectory: path.resolve(configDir(context.config) ?? process.cwd(), workingDirectory) } : {}),
  });
  // A template is read as the caller: one the policy hides from them cannot be run by them.
  const getTemplate =
    givenGetTemplate ??
    ((ref: string, request?: { principal: Principal }) => (request ? catalog.forPrincipal(request.principal) : catalog).getEntityByRef(ref));
  return { scaffolder, getTemplate };
}
