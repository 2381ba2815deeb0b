export { createSqlStore } from './sql-store.js';
export type { SqlCatalogStore, SqlStoreOptions } from './sql-store.js';
export { isValidSchemaName, quoteIdent } from './client.js';
export type { SqlClient } from './client.js';
