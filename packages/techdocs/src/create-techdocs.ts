import { createLogger, requestHandler } from '@portalkit/core';
import { createTechDocsHandler } from './http/handler.js';
import { createTechDocsLibrary } from './techdocs.js';
import type { TechDocs, TechDocsOptions } from './techdocs.js';

/**
 * Create a {@link TechDocs} service: the library plus `handler()` and `request()`. This module
 * only composes, so the library (techdocs.ts) never imports its HTTP handler.
 *
 * @example
 * ```ts
 * const techdocs = createTechDocs({ publisher: localPublisher({ root: './published' }), getEntity, reader });
 * http.createServer(toNodeHandler(techdocs.handler({ basePath: '/api/techdocs' })));
 * ```
 */
export function createTechDocs(options: TechDocsOptions): TechDocs {
  const library = createTechDocsLibrary(options);
  const logger = options.logger ?? createLogger({ fields: { plugin: 'techdocs' } });
  const handler = (handlerOptions: { basePath?: string } = {}) =>
    createTechDocsHandler({
      basePath: handlerOptions.basePath ?? '/api/techdocs',
      getEntity: options.getEntity,
      identify: (request) => library.auth.identify(request),
      forPrincipal: (principal, viewOptions) => library.forPrincipal(principal, viewOptions),
      logger,
      ...(options.integrations ? { integrations: options.integrations } : {}),
    });
  return Object.assign(library, {
    handler,
    request: (requestPath: string, init?: RequestInit) => requestHandler(handler({ basePath: '/' }), requestPath, init),
  });
}
