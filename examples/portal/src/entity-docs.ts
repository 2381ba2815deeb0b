import type { Logger } from '@portalkit/core';
import { CATALOG_FILTER_EXISTS } from '@portalkit/catalog';
import type { Catalog } from '@portalkit/catalog';
import { ANNOTATION_TECHDOCS_REF, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import type { TechDocs } from '@portalkit/techdocs';
import type { TechDocsSite } from '@portalkit/search';

/** The catalog entities with docs and their built sites, as the example's plugins use them. */
export interface EntityDocs {
  /** Builds (or refreshes) an entity's docs; TechDocs announces the new site and search indexes it. */
  sync(entity: Entity): Promise<void>;
  /** The entities with a TechDocs annotation. */
  entities(): Promise<Entity[]>;
  /** The built sites of those entities, for search; an entity without a built site is left out. */
  sites(): Promise<TechDocsSite[]>;
}

/** Options of {@link createEntityDocs}. */
export interface EntityDocsOptions {
  catalog: Pick<Catalog, 'getEntities'>;
  techdocs: TechDocs;
  logger: Logger;
}

/**
 * The example's glue between the catalog and TechDocs.
 *
 * @example
 * ```ts
 * const docs = createEntityDocs({ catalog, techdocs, logger });
 * const sites = await docs.sites();
 * ```
 */
export function createEntityDocs({ catalog, techdocs, logger }: EntityDocsOptions): EntityDocs {
  const site = async (entity: Entity): Promise<TechDocsSite | undefined> => {
    try {
      const file = await techdocs.publisher.readFile(entity, 'search/search_index.json');
      return { entityRef: stringifyEntityRef(entity), entity, searchIndex: JSON.parse(file.content.toString('utf8')) };
    } catch {
      return undefined;
    }
  };
  const entities = async () =>
    (await catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_TECHDOCS_REF}`]: CATALOG_FILTER_EXISTS } })).items;
  return {
    async sync(entity) {
      await techdocs.sync(entity, { onLog: (message) => logger.debug(message, { entity: entity.metadata.name }) });
    },
    entities,
    async sites() {
      const sites = await Promise.all((await entities()).map(site));
      return sites.filter((s): s is TechDocsSite => s !== undefined);
    },
  };
}
