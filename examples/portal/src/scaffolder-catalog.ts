import path from 'node:path';
import type { Logger } from '@portalkit/core';
import type { Catalog, CatalogView } from '@portalkit/catalog';
import { ANNOTATION_TECHDOCS_REF, stringifyEntityRef } from '@portalkit/catalog-model';
import type { ScaffolderCatalog } from '@portalkit/scaffolder';
import type { EntityDocs } from './entity-docs.js';
import { checkoutLocalRepo, parseLocalBlobUrl } from './local-git.js';

/** Options of {@link createScaffolderCatalog}. */
export interface ScaffolderCatalogOptions {
  catalog: Catalog;
  /** Where registered repositories are checked out. */
  checkoutsDir: string;
  /** The bare repositories `publish:git` pushes to. */
  reposDir: string;
  docs: Pick<EntityDocs, 'sync'>;
  logger: Logger;
}

/**
 * The catalog as the scaffolder's catalog actions see it. `catalog:register` receives the
 * `file://…/<repo>.git/blob/main/catalog-info.yaml` URL that `publish:git` produced; the demo
 * registers a fresh checkout of that repository instead, and builds the docs of what it registered.
 *
 * The catalog actions act as the task's creator (`forPrincipal`): `catalog:fetch` reads only what
 * the creator may read, `catalog:register` needs its `catalog.location.create` and
 * `catalog.entity.create` and is audited as it. Nothing here reads or registers as the host.
 *
 * @example
 * ```ts
 * const actions = builtinActions({ catalog: createScaffolderCatalog({ catalog, checkoutsDir, reposDir, docs, logger }) });
 * ```
 */
export function createScaffolderCatalog(options: ScaffolderCatalogOptions): ScaffolderCatalog {
  const { catalog, checkoutsDir, reposDir, docs, logger } = options;
  // `checkouts` is the view for the checkout this adapter makes itself: the same principal, `file`
  // locations allowed (the portal allows people `url` only); what a task names goes through `view`.
  const as = (view: CatalogView, checkouts: CatalogView = view): ScaffolderCatalog => ({
    async addLocation(location, addOptions) {
      const blob = parseLocalBlobUrl(location.target);
      const result = blob
        ? await checkouts.addLocation(
            { type: 'file', target: path.join(await checkoutLocalRepo(blob, checkoutsDir, reposDir), blob.filePath) },
            addOptions,
          )
        : await view.addLocation(location, addOptions);
      if (!addOptions?.dryRun) {
        for (const entity of result.entities) {
          if (entity.metadata.annotations?.[ANNOTATION_TECHDOCS_REF]) {
            await docs.sync(entity).catch((error) => logger.warn('docs build failed', { entity: stringifyEntityRef(entity), error }));
          }
        }
      }
      return result;
    },
    getEntityByRef: (ref) => view.getEntityByRef(ref),
    refresh: ({ entityRef }) => view.refresh({ entityRef }),
  });
  return {
    ...as(catalog),
    forPrincipal: (principal) =>
      as(catalog.forPrincipal(principal), catalog.forPrincipal(principal, { allowedLocationTypes: ['url', 'file'] })),
  };
}
