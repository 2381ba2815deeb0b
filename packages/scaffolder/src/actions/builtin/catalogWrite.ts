import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { createAction } from '../createAction.js';
import { resolveSafeChildPath } from '../resolveSafeChildPath.js';

/**
 * `catalog:write`: write an entity as YAML (default `catalog-info.yaml`) into the workspace.
 * @example
 * ```yaml
 * - action: catalog:write
 *   input:
 *     entity: { apiVersion: backstage.io/v1alpha1, kind: Component, metadata: { name: svc }, spec: { type: service, owner: team, lifecycle: experimental } }
 * ```
 */
export function createCatalogWriteAction() {
  return createAction<{ filePath: string; entity: Record<string, unknown> }>({
    id: 'catalog:write',
    description: 'Writes the catalog-info.yaml for your template',
    supportsDryRun: true,
    schema: {
      input: z.object({
        filePath: z.string().default('catalog-info.yaml').describe('Defaults to catalog-info.yaml'),
        entity: z.record(z.string(), z.any()).describe('You can provide the same values used in the Entity schema.'),
      }),
    },
    async handler(ctx) {
      const target = resolveSafeChildPath(ctx.workspacePath, ctx.input.filePath);
      ctx.logger.info(`Writing ${ctx.input.filePath}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, yaml.dump(ctx.input.entity, { lineWidth: -1 }));
    },
  });
}
