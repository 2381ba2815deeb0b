import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { CatalogEntityLike, ScaffolderCatalog, ScaffolderLocationSpec } from '../../types.js';
import { createAction } from '../createAction.js';

type Input = { catalogInfoUrl?: string; repoContentsUrl?: string; catalogInfoPath?: string; optional?: boolean };

/**
 * `catalog:register`: register a catalog-info file with the catalog (`catalogInfoUrl`, or
 * `repoContentsUrl` + `catalogInfoPath`), as the task's creator (the catalog checks its
 * `catalog.location.create` and `catalog.entity.create` and audits it as the actor; a denial fails
 * the step even when `optional`). The catalog reads the target first (a dry run): a target it
 * cannot read, whose entities have problems, or that yields no entity fails the step with the
 * catalog's message, and nothing is registered. Outputs `entityRef` (the first Component, else
 * the first entity) and `catalogInfoUrl`.
 * @example
 * ```yaml
 * - action: catalog:register
 *   input:
 *     repoContentsUrl: ${{ steps.publish.output.repoContentsUrl }}
 *     catalogInfoPath: /catalog-info.yaml
 * ```
 */
export function createCatalogRegisterAction(options: { catalog?: ScaffolderCatalog } = {}) {
  return createAction<Input>({
    id: 'catalog:register',
    description: 'Registers entities from a catalog descriptor file in the workspace into the software catalog.',
    schema: {
      input: z.object({
        catalogInfoUrl: z.string().optional().describe('An absolute URL pointing to the catalog info file location'),
        repoContentsUrl: z.string().optional().describe('An absolute URL pointing to the root of a repository directory tree'),
        catalogInfoPath: z.string().optional().describe('A relative path from the repo root pointing to the catalog info file, defaults to /catalog-info.yaml'),
        optional: z.boolean().optional().describe('Permit the registered location to optionally exist. Default: false'),
      }),
      output: z.object({ entityRef: z.string().optional(), catalogInfoUrl: z.string() }),
    },
    async handler(ctx) {
      if (!options.catalog) throw new InputError('catalog:register needs a catalog: pass builtinActions({ catalog })');
      const catalog = ctx.asCreator ? ctx.asCreator(options.catalog, 'catalog:register (builtinActions({ catalog }))') : options.catalog;
      const input = ctx.input;
      let catalogInfoUrl = input.catalogInfoUrl;
      if (!catalogInfoUrl) {
        if (!input.repoContentsUrl) {
          throw new InputError('Invalid input passed to action catalog:register: input.catalogInfoUrl or input.repoContentsUrl is required');
        }
        const infoPath = input.catalogInfoPath ?? '/catalog-info.yaml';
        catalogInfoUrl = `${input.repoContentsUrl.replace(/\/$/, '')}/${infoPath.replace(/^\//, '')}`;
      }
      ctx.logger.info(`Registering ${catalogInfoUrl} in the catalog`);
      const location = { type: 'url', target: catalogInfoUrl };
      try {
        // Read first: a target the catalog cannot read, or one yielding no entity, fails the step
        // with the catalog's own problems instead of registering a location that only errs. An
        // `optional` location is registered whatever the catalog reads today, as in Backstage.
        if (!input.optional) ownEntity(catalogInfoUrl, await readable(catalog, location, catalogInfoUrl), 'reads');
        const result = await catalog.addLocation(location);
        const entity = input.optional ? pickEntity(result.entities) : ownEntity(catalogInfoUrl, result.entities, 'registered');
        // The catalog's grammar: `kind:namespace/name`, lower-cased, as Backstage outputs it.
        if (entity) ctx.output('entityRef', stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace, name: entity.metadata.name }));
      } catch (error) {
        // `optional` tolerates a missing or unreadable file, never a denial.
        if (!input.optional || (error as Error)?.name === 'NotAllowedError') throw error;
        ctx.logger.warn(`Registering ${catalogInfoUrl} failed and is optional: ${(error as Error).message}`);
      }
      ctx.output('catalogInfoUrl', catalogInfoUrl);
    },
  });
}

/** The catalog's dry run of `location`; its problems (a target it cannot read, invalid entities) fail the step. */
async function readable(catalog: ScaffolderCatalog, location: ScaffolderLocationSpec, url: string): Promise<CatalogEntityLike[]> {
  try {
    return (await catalog.addLocation(location, { dryRun: true })).entities;
  } catch (error) {
    if ((error as Error)?.name !== 'InputError') throw error;
    throw new InputError(`catalog:register: the catalog cannot use ${url}: ${(error as Error).message}`);
  }
}

/**
 * The entity to output (the first Component, else the first other entity), or an InputError when
 * there is none: the catalog `reads` (dry run) or `registered` only its generated Location entity.
 */
function ownEntity(url: string, entities: readonly CatalogEntityLike[], stage: 'reads' | 'registered'): CatalogEntityLike {
  const entity = pickEntity(entities);
  if (entity) return entity;
  const what = stage === 'reads' ? 'reads no entity from' : 'registered no entity from';
  throw new InputError(`catalog:register: the catalog ${what} ${url} (is it a catalog-info file of kinds the catalog accepts?)`);
}

/** The first Component, else the first entity, leaving out the catalog's generated Location entity. */
function pickEntity(entities: readonly CatalogEntityLike[]): CatalogEntityLike | undefined {
  const own = entities.filter((e) => !(e.kind === 'Location' && e.metadata.name.startsWith('generated-')));
  return own.find((e) => e.kind === 'Component') ?? own[0];
}
