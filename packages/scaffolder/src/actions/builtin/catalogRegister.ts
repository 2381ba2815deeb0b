import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { ScaffolderCatalog } from '../../types.js';
import { createAction } from '../createAction.js';

type Input = { catalogInfoUrl?: string; repoContentsUrl?: string; catalogInfoPath?: string; optional?: boolean };

/**
 * `catalog:register`: register a catalog-info file with the catalog (`catalogInfoUrl`, or
 * `repoContentsUrl` + `catalogInfoPath`), as the task's creator (the catalog checks its
 * `catalog.location.create` and `catalog.entity.create` and audits it as the actor; a denial fails
 * the step even when `optional`). Outputs `entityRef` (the first Component, else the first
 * entity) and `catalogInfoUrl`.
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
      try {
        const result = await catalog.addLocation({ type: 'url', target: catalogInfoUrl });
        const entities = result.entities;
        const entity =
          entities.find((e) => !e.metadata.name.startsWith('generated-') && e.kind === 'Component') ??
          entities.find((e) => !e.metadata.name.startsWith('generated-')) ??
          entities[0];
        // The catalog's grammar: `kind:namespace/name`, lower-cased, as Backstage outputs it.
        if (entity) {
          ctx.output('entityRef', stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace, name: entity.metadata.name }));
        }
      } catch (error) {
        // `optional` tolerates a missing file, never a denial.
        if (!input.optional || (error as Error)?.name === 'NotAllowedError') throw error;
        ctx.logger.warn(`Registering ${catalogInfoUrl} failed and is optional: ${(error as Error).message}`);
      }
      ctx.output('catalogInfoUrl', catalogInfoUrl);
    },
  });
}
