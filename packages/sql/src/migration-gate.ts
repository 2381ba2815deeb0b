import { ServiceUnavailableError } from '@portalkit/core';

/**
 * Runs a store's migrations once, on first use; the store's calls await `ready()`.
 *
 * @example
 * ```ts
 * const gate = createMigrationGate('myStore', () => runSqlMigrations(client, { name: 'my', schema, migrations }));
 * await gate.ready();
 * await gate.close();
 * ```
 */
export interface MigrationGate {
  /** Resolves once migrations ran; rejects after `close()`. */
  ready(): Promise<void>;
  /** Refuse further use and wait for a migration in flight; false when already closed. */
  close(): Promise<boolean>;
}

/**
 * Starts migrating at once (so start-up errors surface early), and retries on the next call
 * after a failed start: a database that was not up yet must not poison the store for good.
 *
 * @example
 * ```ts
 * const gate = createMigrationGate('notesStore', () => runSqlMigrations(client, { name: 'notes', schema, migrations }));
 * await gate.ready(); // before each call of the store
 * if (await gate.close()) await closePool();
 * ```
 */
export function createMigrationGate(name: string, migrate: () => Promise<void>): MigrationGate {
  let migrating: Promise<void> | undefined;
  let closed = false;
  const ready = (): Promise<void> => {
    if (closed) return Promise.reject(new ServiceUnavailableError(`${name}: the store is closed`));
    if (!migrating) {
      migrating = migrate();
      migrating.catch(() => {
        migrating = undefined;
      });
    }
    return migrating;
  };
  ready().catch(() => {});
  return {
    ready,
    async close() {
      if (closed) return false;
      closed = true;
      await migrating?.catch(() => {});
      return true;
    },
  };
}
