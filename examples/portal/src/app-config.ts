import { loadConfig } from '@portalkit/core';
import { integrationsConfigSchema } from '@portalkit/integrations';
import { z } from 'zod';

/** What the example portal reads from `app-config.yaml` / `app-config.local.yaml` (both optional). */
export const exampleConfigSchema = z.object({
  /** Backstage's `integrations` section: further hosts the catalog, TechDocs and templates may read. */
  integrations: integrationsConfigSchema.optional(),
  example: z
    .object({
      /** The local git host's port; default a free one. */
      gitServer: z.object({ port: z.number().int().min(0).max(65535).optional() }).optional(),
    })
    .optional(),
});

/** The example portal's validated app-config. */
export type ExampleConfig = z.output<typeof exampleConfigSchema>;

/**
 * Load the example's app-config from `dir` (`app-config.yaml`, then `app-config.local.yaml`;
 * missing files are skipped), with `${VAR}` substitution and `PORTALKIT_CONFIG_*` overrides.
 *
 * @example
 * ```ts
 * const config = await loadExampleConfig('/srv/portal');
 * config.integrations?.github?.[0]?.host;
 * ```
 */
export function loadExampleConfig(dir: string, env: Record<string, string | undefined> = process.env): Promise<ExampleConfig> {
  return loadConfig({ schema: exampleConfigSchema, dir, env });
}
