export { createUrlReader } from './compose.js';
export type { UrlReaderOptions } from './compose.js';
export { createFileReader } from './file.js';
export type { FileReaderOptions } from './file.js';
export { createHttpReader } from './http.js';
export type { HttpAllowRule, HttpReaderOptions } from './http.js';
export type { ReadOptions, ReadResponse, ReadTreeResponse, SearchResponse, TreeFile, UrlReader } from './types.js';
export { findInternalAddress, isInternalAddress } from './network.js';
