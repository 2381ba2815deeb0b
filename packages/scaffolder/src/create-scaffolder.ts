import { createScaffolderHandler } from './http/handler.js';
import type { ScaffolderHandlerOptions } from './http/options.js';
import { createScaffolderLibrary } from './scaffolder.js';
import type { Scaffolder, ScaffolderOptions } from './scaffolderTypes.js';

/**
 * Create a {@link Scaffolder}: the library plus `handler()`, Backstage's scaffolder HTTP API.
 * This module only composes, so the library (scaffolder.ts) and its handler (http/handler.ts)
 * never import each other.
 *
 * @example
 * ```ts
 * const scaffolder = createScaffolder({ actions: builtinActions({ catalog }) });
 * const task = await scaffolder.run(await loadTemplate('template.yaml'), { values: { name: 'svc' } });
 * const result = await task.result;
 * ```
 */
export function createScaffolder(options: ScaffolderOptions): Scaffolder {
  const library = createScaffolderLibrary(options);
  // The handler lists the filters and globals templates may use (`GET /v2/templating-extensions`).
  const templating = { filters: options.filters, globals: options.globals };
  return Object.assign(library, { handler: (handlerOptions: ScaffolderHandlerOptions) => createScaffolderHandler(library, handlerOptions, templating) });
}
