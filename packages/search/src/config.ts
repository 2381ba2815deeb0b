import { type Logger, readConfigSection } from '@portalkit/core';
import { z } from 'zod';

/**
 * The `search` section of an app-config, as Backstage writes it. Every key is accepted;
 * `searchPlugin()` without options reports each as ignored with why (the catalog and TechDocs
 * are indexed from the portal's events and on start).
 * @example
 * ```ts
 * const section = searchConfigSchema.parse({ collators: { catalog: { schedule: { frequency: { minutes: 10 } } } } });
 * ```
 */
export const searchConfigSchema = z
  .object({
    pg: z.unknown().optional(),
    elasticsearch: z.unknown().optional(),
    collators: z.object({ catalog: z.unknown().optional(), techdocs: z.unknown().optional() }).optional(),
    maxPageLimit: z.unknown().optional(),
    maxTermLength: z.unknown().optional(),
  })
  .default({});

/**
 * The parsed `search` section.
 * @example
 * ```ts
 * const section: SearchConfig = searchConfigSchema.parse({});
 * ```
 */
export type SearchConfig = z.output<typeof searchConfigSchema>;

const ignored: Record<string, string> = {
  pg: 'searchPlugin() indexes in memory; pass engine: postgresEngine({ pool }) in code to index in PostgreSQL',
  elasticsearch: 'portalkit has memory and PostgreSQL engines only',
  'collators.catalog': 'the catalog is indexed on start and kept current by its events, not on a schedule',
  'collators.techdocs': 'docs are indexed on start and whenever a site is built, not on a schedule',
  maxPageLimit: "the page size is the query's pageLimit, capped by the HTTP handler",
  maxTermLength: 'query terms are limited by the HTTP handler',
};

/** Read the `search` section (errors name file:line and key; ignored keys are logged). */
export function readSearchConfig(config: unknown, logger: Logger): SearchConfig {
  return readConfigSection(config, 'search', searchConfigSchema, { logger, ignored });
}
