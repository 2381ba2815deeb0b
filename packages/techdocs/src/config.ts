import path from 'node:path';
import { configDir, InputError, type Logger, readConfigSection } from '@portalkit/core';
import { z } from 'zod';
import { awsS3Publisher, localPublisher } from './publish/index.js';
import type { DocsPublisher } from './publish/index.js';

// Backstage's techdocs.publisher.awsS3 keys. Without credentials the AWS SDK's default chain
// is used (environment, shared profile with role_arn, web identity, container and instance roles).
const awsS3ConfigSchema = z.object({
  bucketName: z.string().min(1, "techdocs.publisher.awsS3.bucketName is required"),
  region: z.string().min(1).optional(),
  endpoint: z.string().url().optional(),
  s3ForcePathStyle: z.boolean().optional(),
  bucketRootPath: z.string().optional(),
  sse: z.enum(['aws:kms', 'AES256']).optional(),
  credentials: z
    .object({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      roleArn: z.undefined({ message: 'credentials.roleArn is not supported: set role_arn in an AWS profile or AWS_ROLE_ARN (the default credential chain assumes it)' }).optional(),
    })
    .optional(),
  accountId: z.undefined({ message: 'accountId (credentials from the aws integration section) is not supported: give credentials or use the default chain' }).optional(),
});

/**
 * The `techdocs` section of an app-config, as Backstage writes it: `builder` (`local` builds on
 * request, `external` only serves what CI published), `generator` (accepted; portalkit always
 * generates in-process), `publisher` (`type: local` with `local.publishDirectory`, or
 * `type: awsS3` with `awsS3.bucketName`, `region`, `endpoint`, `s3ForcePathStyle`,
 * `bucketRootPath`, `sse`, `credentials`; other cloud publishers are refused). `techdocsPlugin()` without options reads it.
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
        type: z.string().refine((type) => type === 'local' || type === 'awsS3', {
          message: 'portalkit publishes to a local directory (type: local) or S3 (type: awsS3); googleGcs, azureBlobStorage and openStackSwift need a DocsPublisher in code',
        }),
        local: z.object({ publishDirectory: z.string().min(1).optional() }).optional(),
        awsS3: awsS3ConfigSchema.optional(),
      })
      .refine((publisher) => publisher.type !== 'awsS3' || publisher.awsS3 !== undefined, {
        message: "techdocs.publisher.type is 'awsS3', so techdocs.publisher.awsS3.bucketName is required",
        path: ['awsS3'],
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
  sanitizer: 'portalkit sanitises every page with its own schema (docs/techdocs.md)',
};

/**
 * What `techdocsPlugin()` builds from the config: the publisher, whether it builds, and the
 * directory local docs sources must stay below.
 */
export function techdocsFromConfig(config: unknown, logger: Logger): { publisher: DocsPublisher; external: boolean; root: string; section: TechDocsConfig } {
  const section = readConfigSection(config, 'techdocs', techdocsConfigSchema, { logger, ignored });
  const base = configDir(config) ?? process.cwd();
  const s3 = section.publisher.awsS3;
  if (section.publisher.type === 'awsS3' && s3) {
    const { accessKeyId, secretAccessKey } = s3.credentials ?? {};
    const publisher = awsS3Publisher({
      bucketName: s3.bucketName,
      ...(s3.region ? { region: s3.region } : {}),
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      ...(s3.s3ForcePathStyle ? { s3ForcePathStyle: true } : {}),
      ...(s3.bucketRootPath ? { bucketRootPath: s3.bucketRootPath } : {}),
      ...(s3.sse ? { sse: s3.sse } : {}),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
      legacyUseCaseSensitiveTripletPaths: section.legacyUseCaseSensitiveTripletPaths === true,
    });
    return { publisher, external: section.builder === 'external', root: base, section };
  }
  // Backstage's default directory is inside its own package; here it sits beside the config.
  const publishDirectory = path.resolve(base, section.publisher.local?.publishDirectory ?? 'techdocs-sites');
  if (publishDirectory === path.parse(publishDirectory).root) throw new InputError('techdocs.publisher.local.publishDirectory: must not be the filesystem root');
  return { publisher: localPublisher({ root: publishDirectory }), external: section.builder === 'external', root: base, section };
}
