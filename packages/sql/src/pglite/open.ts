import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as PgliteModule from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';
import { InputError } from '@portalkit/core';
import { isValidSchemaName } from '../client.js';
import { requireDriver } from '../optional-peer.js';
import { lockDataDir } from './data-dir-lock.js';

/**
 * Where a PGlite-backed store keeps its tables: its own `dataDir`, or a host's open instance.
 * @example
 * ```ts
 * const options: PgliteConnectionOptions = { dataDir: './.notes-db', schema: 'notes' };
 * ```
 */
export interface PgliteConnectionOptions {
  dataDir?: string;
  pglite?: PGlite;
  schema?: string;
}

/**
 * Check a PGlite store's options and open its database; `close()` closes only a database the
 * store opened itself. `name` (the factory) prefixes every error. A `dataDir` is locked to this
 * store until `close()` (see {@link lockDataDir}): a second opener, in this process or another,
 * gets a `ConflictError` naming the holder. Every PGlite-backed portalkit store opens through here.
 * Without `@electric-sql/pglite` installed it throws a `MissingDependencyError` naming it.
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
  const path = options.dataDir === undefined ? undefined : directoryOf(options.dataDir);
  // Two processes on one directory lose acknowledged writes and can corrupt it: take the
  // directory's lock before PGlite touches it (a ConflictError naming the holder otherwise).
  const lock = path === undefined ? undefined : lockDataDir(name, path);
  let db: PGlite;
  try {
    // Loaded only when a database is opened here; a host passing its own instance loads it itself.
    db = options.pglite ?? new (requireDriver<typeof PgliteModule>('@electric-sql/pglite', name).PGlite)(lock ? pgDataDir(lock.dir) : options.dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  return {
    db,
    schema,
    async close() {
      try {
        if (owned && !db.closed) await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** The file system directory of a PGlite `dataDir`, or undefined for one that lives in memory or a browser. */
function directoryOf(dataDir: string): string | undefined {
  if (dataDir.startsWith('file://')) return dataDir.slice('file://'.length);
  if (/^(memory|idb|opfs-ahp):\/\//.test(dataDir)) return undefined;
  return dataDir;
}

/**
 * Where PGlite keeps its files inside a locked directory. PostgreSQL's initdb refuses a
 * directory that is not empty (the lock file is already there), so a new directory gets the
 * database in `pgdata/`; one made before the lock existed (PG_VERSION at its top) stays as it is.
 */
function pgDataDir(dir: string): string {
  return existsSync(join(dir, 'PG_VERSION')) ? dir : join(dir, 'pgdata');
}
