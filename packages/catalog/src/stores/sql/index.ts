export { createSqlStore } from './sql-store.js';
export type { SqlCatalogStore, SqlStoreOptions } from './sql-store.js';
export { isValidSchemaName, quoteIdent } from './client.js';
export type { SqlClient } from './client.js';
export { runSqlMigrations } from './run-migrations.js';
export type { SqlMigration } from './run-migrations.js';
export { createMigrationGate } from './migration-gate.js';
export type { MigrationGate } from './migration-gate.js';
