import { z } from 'zod';
import { InputError, NotFoundError } from '@portalkit/core';
import { stringifyEntityRef } from '@portalkit/catalog-model';
import type { JsonValue, ScaffolderCatalog } from '../../types.js';
import { parseEntityRef } from '../../render/filters.js';
import { createAction } from '../createAction.js';

type Input = { entityRef?: string; entityRefs?: string[]; optional?: boolean; defaultKind?: string; defaultNamespace?: string };

/**
 * `catalog:fetch`: read entities from the catalog, as the task's creator (an entity the creator
 * may not read is not found, exactly like a missing one). Outputs `entity` (for `entityRef`) or
 * `entities` (for `entityRefs`, with `null` for missing optional ones).
 * @example
 * ```yaml
 * - id: owner
 *   action: catalog:fetch
 *   input: { entityRef: ${{ parameters.owner }}, defaultKind: group }
 * ```
 */
export function createCatalogFetchAction(options: { catalog?: ScaffolderCatalog } = {}) {
  return createAction<Input>({
    id: 'catalog:fetch',
    description: 'Returns entity or entities from the catalog by entity reference(s)',
    supportsDryRun: true,
    schema: {
      input: z.object({
        entityRef: z.string().optional().describe('Entity reference of the entity to get'),
        entityRefs: z.array(z.string()).optional().describe('Entity references of the entities to get'),
        optional: z.boolean().optional().describe('Allow the entity or entities to optionally exist. Default: false'),
        defaultKind: z.string().optional(),
        defaultNamespace: z.string().optional(),
      }),
      output: z.object({ entity: z.any().optional(), entities: z.array(z.any()).optional() }),
    },
    async handler(ctx) {
      if (!options.catalog) throw new InputError('catalog:fetch needs a catalog: pass builtinActions({ catalog })');
      const catalog = ctx.asCreator ? ctx.asCreator(options.catalog, 'catalog:fetch (builtinActions({ catalog }))') : options.catalog;
      const { entityRef, entityRefs, optional, defaultKind, defaultNamespace } = ctx.input;
      if (!entityRef && !entityRefs) throw new InputError('Invalid input passed to action catalog:fetch: entityRef or entityRefs is required');
      const defaults = { ...(defaultKind ? { defaultKind } : {}), ...(defaultNamespace ? { defaultNamespace } : {}) };
      const fetchOne = async (ref: string) => {
        return catalog.getEntityByRef(stringifyEntityRef(parseEntityRef(ref, defaults)));
      };
      if (entityRef) {
        const entity = await fetchOne(entityRef);
        if (!entity && !optional) throw new NotFoundError(`Entity ${entityRef} not found`);
        ctx.output('entity', (entity ?? null) as JsonValue);
      }
      if (entityRefs) {
        const entities = await Promise.all(entityRefs.map(fetchOne));
        const missing = entityRefs.filter((_r, i) => !entities[i]);
        if (missing.length && !optional) throw new NotFoundError(`Entities not found: ${missing.join(', ')}`);
        ctx.output('entities', entities.map((e) => e ?? null) as JsonValue);
      }
    },
  });
}
