export { createSqlStore } from './sql-store.js';
export type { SqlCatalogStore, SqlStoreOptions } from './sql-store.js';
