import { lockDataDir as sqlLockDataDir, openPglite as sqlOpenPglite } from '@portalkit/sql';

/**
 * Take the single-process lock of a PGlite data directory.
 * @deprecated Import `lockDataDir` from `@portalkit/sql`; this alias will be removed.
 * @example
 * ```ts
 * import { lockDataDir } from '@portalkit/sql';
 * const lock = lockDataDir('myStore', './.catalog-db');
 * ```
 */
export const lockDataDir: typeof sqlLockDataDir = sqlLockDataDir;

/**
 * Check a PGlite store's options and open its database, locking its `dataDir`.
 * @deprecated Import `openPglite` from `@portalkit/sql`; this alias will be removed.
 * @example
 * ```ts
 * import { openPglite } from '@portalkit/sql';
 * const { db, schema, close } = openPglite('myStore', { dataDir: './data' }, 'my_schema');
 * ```
 */
export const openPglite: typeof sqlOpenPglite = sqlOpenPglite;
