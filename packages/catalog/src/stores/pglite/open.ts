import { PGlite } from '@electric-sql/pglite';
import { InputError } from '@portalkit/core';
import { isValidSchemaName } from '../sql/index.js';

/** Where a PGlite-backed store keeps its tables: its own `dataDir`, or a host's open instance. */
export interface PgliteConnectionOptions {
  dataDir?: string;
  pglite?: PGlite;
  schema?: string;
}

/**
 * Check a PGlite store's options and open its database; `close()` closes only a database the
 * store opened itself. `name` (the factory) prefixes every error.
 *
 * @example
 * ```ts
 * const { db, schema, close } = openPglite('myStore', { dataDir: './data' }, 'my_schema');
 * ```
 */
export function openPglite(name: string, options: PgliteConnectionOptions, defaultSchema: string): { db: PGlite; schema: string; close(): Promise<void> } {
  if (options === null || typeof options !== 'object') throw new InputError(`${name}: options must be an object`);
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || !options.dataDir)) {
    throw new InputError(`${name}: dataDir must be a non-empty directory path`);
  }
  if (options.pglite && options.dataDir !== undefined) {
    throw new InputError(`${name}: pass either dataDir or an open pglite instance, not both`);
  }
  const schema = options.schema ?? defaultSchema;
  if (!isValidSchemaName(schema)) {
    throw new InputError(`${name}: invalid schema name ${JSON.stringify(schema)} (letters, digits and _ only)`);
  }
  const owned = !options.pglite;
  const db = options.pglite ?? new PGlite(options.dataDir);
  return {
    db,
    schema,
    async close() {
      if (owned && !db.closed) await db.close();
    },
  };
}
