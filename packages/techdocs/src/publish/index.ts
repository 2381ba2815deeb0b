export { contentTypeFor } from './content-type.js';
export { localPublisher } from './local.js';
export type { LocalPublisherOptions } from './local.js';
export { memoryPublisher } from './memory.js';
export { awsS3Publisher } from './s3.js';
export type { AwsS3PublisherOptions, S3ClientLike } from './s3.js';
export { cacheControlFor } from './site-files.js';
export type { DocsEntityLike, DocsPublisher, PublishedFile, PublishRequest, VersionOption } from './types.js';
export { LATEST_VERSION, VERSIONS_DIR, checkDocsVersion, docsVersionSchema } from './versions.js';
