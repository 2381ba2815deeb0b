export { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, readTarArchive } from './archive.js';
export type { TarArchiveOptions } from './archive.js';
export { createTreeResponse, safeTreePath } from './tree-response.js';
