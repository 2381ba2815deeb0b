import path from 'node:path';
import { configDir, InputError, type Logger, readConfigSection } from '@portalkit/core';
import { z } from 'zod';
import { localPublisher } from './publish/index.js';
import type { DocsPublisher } from './publish/index.js';

/**
 * The `techdocs` section of an app-config, as Backstage writes it: `builder` (`local` builds on
 * request, `external` only serves what CI published), `generator` (accepted; portalkit always
 * generates in-process), `publisher` (`type: local` with `local.publishDirectory`; cloud
 * publishers are refused). `techdocsPlugin()` without options reads it.
 * @example
 * ```ts
 * const section = techdocsConfigSchema.parse({ builder: 'local', generator: { runIn: 'docker' }, publisher: { type: 'local', local: { publishDirectory: './docs' } } });
 * ```
 */
export const techdocsConfigSchema = z
  .object({
    builder: z.enum(['local', 'external']).default('local'),
    generator: z
      .object({
        runIn: z.enum(['docker', 'local']).optional(),
        dockerImage: z.string().optional(),
        pullImage: z.boolean().optional(),
        mkdocs: z.unknown().optional(),
      })
      .optional(),
    publisher: z
      .object({
        type: z.string().refine((type) => type === 'local', {
          message: 'portalkit publishes to a local directory only (type: local); awsS3, googleGcs, azureBlobStorage and openStackSwift need a DocsPublisher in code',
        }),
        local: z.object({ publishDirectory: z.string().min(1).optional() }).optional(),
      })
      .default({ type: 'local' }),
    storageUrl: z.string().optional(),
    requestUrl: z.string().optional(),
    cache: z.unknown().optional(),
    legacyUseCaseSensitiveTripletPaths: z.boolean().optional(),
    sanitizer: z.unknown().optional(),
  })
  .default({ builder: 'local', publisher: { type: 'local' } });

/**
 * The parsed `techdocs` section.
 * @example
 * ```ts
 * const section: TechDocsConfig = techdocsConfigSchema.parse({});
 * ```
 */
export type TechDocsConfig = z.output<typeof techdocsConfigSchema>;

const ignored: Record<string, string> = {
  'generator.runIn': 'portalkit generates sites in this process (no mkdocs, no container)',
  'generator.dockerImage': 'portalkit generates sites in this process (no mkdocs, no container)',
  'generator.pullImage': 'portalkit generates sites in this process (no mkdocs, no container)',
  'generator.mkdocs': 'portalkit reads mkdocs.yml itself; its supported plugins are listed in docs/techdocs.md',
  storageUrl: "a frontend key: the docs are served at the techdocs plugin's basePath",
  requestUrl: "a frontend key: the docs are served at the techdocs plugin's basePath",
  cache: 'published files are served from the publisher without a cache',
  legacyUseCaseSensitiveTripletPaths: 'sites are stored under lowercased namespace/kind/name, as Backstage does by default',
  sanitizer: 'portalkit sanitises every page with its own schema (docs/techdocs.md)',
};

/**
 * What `techdocsPlugin()` builds from the config: the publisher, whether it builds, and the
 * directory local docs sources must stay below.
 */
export function techdocsFromConfig(config: unknown, logger: Logger): { publisher: DocsPublisher; external: boolean; root: string; section: TechDocsConfig } {
  const section = readConfigSection(config, 'techdocs', techdocsConfigSchema, { logger, ignored });
  const base = configDir(config) ?? process.cwd();
  // Backstage's default directory is inside its own package; here it sits beside the config.
  const publishDirectory = path.resolve(base, section.publisher.local?.publishDirectory ?? 'techdocs-sites');
  if (publishDirectory === path.parse(publishDirectory).root) throw new InputError('techdocs.publisher.local.publishDirectory: must not be the filesystem root');
  return { publisher: localPublisher({ root: publishDirectory }), external: section.builder === 'external', root: base, section };
}
