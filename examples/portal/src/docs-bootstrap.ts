import type { Logger, PortalPlugin } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { TechDocs } from '@portalkit/techdocs';
import type { EntityDocs } from './entity-docs.js';

/** Options of {@link docsBootstrapPlugin}. */
export interface DocsBootstrapOptions {
  docs: Pick<EntityDocs, 'entities'>;
  techdocs: Pick<TechDocs, 'sync'>;
  logger: Logger;
  progress: (message: string) => void;
}

/**
 * A plugin that builds every entity's docs once at start-up, before search indexes them; a
 * failed build is logged and the others go on.
 *
 * @example
 * ```ts
 * const plugins = [catalogPlugin({ catalog }), docsBootstrapPlugin({ docs, techdocs, logger, progress }), searchPlugin(...)];
 * ```
 */
export function docsBootstrapPlugin({ docs, techdocs, logger, progress }: DocsBootstrapOptions): PortalPlugin {
  return {
    id: 'docs-bootstrap',
    async start() {
      const entities = await docs.entities();
      let built = 0;
      for (const entity of entities) {
        try {
          await techdocs.sync(entity);
          built += 1;
        } catch (error) {
          logger.warn('docs build failed', { entity: stringifyEntityRef(entity), error });
        }
      }
      progress(`built docs for ${built} ${built === 1 ? 'component' : 'components'}`);
    },
  };
}
