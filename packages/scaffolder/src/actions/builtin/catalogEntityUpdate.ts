import { InputError } from '@portalkit/core';
import { entityUpdateResultSchema, entityUpdateSchema, parseEntityRef, stringifyEntityRef } from '@portalkit/catalog-model';
import { z } from 'zod';
import type { ScaffolderCatalog } from '../../types.js';
import { createAction } from '../createAction.js';

/**
 * `catalog:entity:update`: change an entity's metadata or spec through its source, as the task's
 * creator — the catalog checks `catalog.entity.update` on the entity, validates the patched
 * entity before anything is written, and audits the change; an entity read from a GitHub
 * repository gets a pull request editing its YAML document, a provider-owned one is changed
 * directly (docs/write-back.md). Outputs `method`, and for a pull request `pullRequestUrl` and
 * `pullRequestNumber`.
 *
 * @example
 * ```yaml
 * - id: owner
 *   action: catalog:entity:update
 *   input:
 *     entityRef: ${{ parameters.entity }}
 *     patch: { spec: { owner: ${{ parameters.owner }} } }
 *     title: Change the owner of ${{ parameters.entity }}
 * ```
 */
export function createCatalogEntityUpdateAction(options: { catalog?: ScaffolderCatalog } = {}) {
  return createAction({
    id: 'catalog:entity:update',
    description: "Changes an entity's metadata or spec through its source: a pull request, or directly for provider-owned entities.",
    schema: {
      input: z.object({
        entityRef: z.string().min(1).describe('The entity to change, e.g. component:default/web'),
        patch: entityUpdateSchema.shape.patch.describe('JSON merge patch of metadata and/or spec (null deletes a key)'),
        title: z.string().min(1).max(200).optional().describe('Title of the pull request'),
        description: z.string().max(10_000).optional().describe('Body of the pull request'),
      }),
      output: z.object({ method: z.string(), pullRequestUrl: z.string().optional(), pullRequestNumber: z.number().optional() }),
    },
    async handler(ctx) {
      const base = options.catalog;
      if (!base?.updateEntity) throw new InputError('catalog:entity:update needs a catalog that can update entities: pass builtinActions({ catalog }) with a portalkit catalog');
      const catalog = ctx.asCreator ? ctx.asCreator(base, 'catalog:entity:update (builtinActions({ catalog }))') : base;
      const { entityRef, patch, title, description } = ctx.input;
      const ref = stringifyEntityRef(parseEntityRef(entityRef));
      ctx.logger.info(`Updating ${ref} through its source`);
      const result = entityUpdateResultSchema.parse(
        await catalog.updateEntity!(ref, { patch, ...(title ? { title } : {}), ...(description ? { description } : {}) }),
      );
      ctx.output('method', result.method);
      if (result.method === 'pull-request') {
        ctx.output('pullRequestUrl', result.url);
        ctx.output('pullRequestNumber', result.number);
        ctx.logger.info(`Opened ${result.url}`);
      }
    },
  });
}
