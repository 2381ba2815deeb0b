export type {
  BuildFailure,
  BuildProgress,
  BuildResult,
  BuildWarning,
  DocsEntityName,
  SearchIndex,
  SearchIndexDoc,
  TechDocsEntity,
  TechDocsBuildOptions,
  TechDocsMetadata,
} from './types.js';
export {
  docsEntityName,
  docsEntityRef,
  MANAGED_BY_LOCATION_ANNOTATION,
  SOURCE_LOCATION_ANNOTATION,
  TECHDOCS_REF_ANNOTATION,
} from './entity.js';
export { safeRelativePath } from './paths.js';
export { prepareDocs, resolveDocsLocation } from './prepare/index.js';
export type { DocsSource, PrepareOptions, PreparedDocs } from './prepare/index.js';
export { buildDocs, createDocsBuilder, formatWarning } from './generate/build.js';
export type { BuildDocsOptions, DocsBuilder, DocsBuilderOptions } from './generate/build.js';
export { PageBuildError } from './generate/page-failure.js';
export { loadMkdocsConfig, mkdocsConfigSchema, parseMkdocsConfig } from './generate/config.js';
export type { LoadedSite, MarkdownFeatures, MkdocsConfig } from './generate/config.js';
export { flattenNav, resolveNav } from './generate/nav.js';
export type { NavNode, ResolveNavOptions } from './generate/nav.js';
export { remarkAdmonitions } from './generate/admonition.js';
export type { AdmonitionOptions } from './generate/admonition.js';
export type { MarkdownExtension } from './generate/markdown-extensions.js';
export type { SlugCase, SlugifyOption, SlugNormalization } from './generate/slugify.js';
export type { TocOptions } from './generate/toc-options.js';
export { createDocsProcessor, docsSanitizeSchema } from './generate/processor.js';
export type { DocsProcessorOptions, SanitizeSchema } from './generate/processor.js';
export type { MarkdownParser } from './generate/markdown-parser.js';
export {
  LATEST_VERSION,
  VERSIONS_DIR,
  awsS3Publisher,
  cacheControlFor,
  checkDocsVersion,
  contentTypeFor,
  docsVersionSchema,
  localPublisher,
  memoryPublisher,
} from './publish/index.js';
export type {
  AwsS3PublisherOptions,
  DocsEntityLike,
  DocsPublisher,
  LocalPublisherOptions,
  PublishedFile,
  PublishRequest,
  S3ClientLike,
  VersionOption,
} from './publish/index.js';
export { createTechDocs } from './create-techdocs.js';
export type { SyncResult, TechDocs, TechDocsEventSink, TechDocsLibrary, TechDocsOptions } from './techdocs.js';
export { TECHDOCS_TOPICS, mkdocsSearchEntrySchema, techdocsServiceRef, techdocsSiteBuiltEvent } from './events/index.js';
export type { TechDocsEvents, TechDocsSiteBuiltEvent, TechDocsSites } from './events/index.js';
export { techdocsPlugin } from './plugin.js';
export { techdocsConfigSchema } from './config.js';
export type { TechDocsConfig } from './config.js';
export { techdocsEntitySyncPermission, techdocsPermissions } from './permissions.js';
export type { PrincipalTechDocs, SyncOutcome, TechDocsOperations } from './authorized.js';
export type { TechDocsPluginOptions } from './plugin.js';
