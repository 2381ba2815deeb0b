import type { PGlite } from '@electric-sql/pglite';
import { openPglite, pgliteClient } from '@portalkit/sql';
import type { TaskStore } from './taskStore.js';
import { createSqlTaskStore } from './sql/sqlTaskStore.js';

/**
 * Options of {@link pgliteTaskStore}.
 * @example
 * ```ts
 * const options: PgliteTaskStoreOptions = { dataDir: './.scaffolder-db' };
 * ```
 */
export interface PgliteTaskStoreOptions {
  /** Directory the database persists to. Omitted: in memory, gone on close. */
  dataDir?: string;
  /** An open PGlite instance (e.g. the catalog's) to use instead; the host closes it. */
  pglite?: PGlite;
  /** Schema of the tables. Default `portalkit_scaffolder`. */
  schema?: string;
}

/**
 * The embedded SQL {@link TaskStore} (PostgreSQL in WebAssembly, `@electric-sql/pglite`): the same
 * SQL as {@link postgresTaskStore}, no server. Tasks and events persist in `dataDir`.
 *
 * @example
 * ```ts
 * const taskStore = pgliteTaskStore({ dataDir: './.scaffolder-db' });
 * const scaffolder = createScaffolder({ actions: builtinActions(), taskStore });
 * ```
 */
export function pgliteTaskStore(options: PgliteTaskStoreOptions = {}): TaskStore {
  const { db, schema, close } = openPglite('pgliteTaskStore', options, 'portalkit_scaffolder');
  return createSqlTaskStore({ name: 'pgliteTaskStore', client: pgliteClient(db), schema, close });
}
