export { contentTypeFor } from './content-type.js';
export { localPublisher } from './local.js';
export type { LocalPublisherOptions } from './local.js';
export { memoryPublisher } from './memory.js';
export type { DocsEntityLike, DocsPublisher, PublishedFile } from './types.js';
