export { DEFAULT_MAX_TREE_BYTES, DEFAULT_MAX_TREE_FILES, readTarArchive } from './archive.js';
export type { TarArchiveOptions } from './archive.js';
export { isGlobPath, parseGlobPath } from './glob.js';
export type { GlobPath } from './glob.js';
export { createTreeResponse, safeTreePath } from './tree-response.js';
export { readZipArchive } from './zip-archive.js';
export type { ZipArchiveOptions } from './zip-archive.js';
