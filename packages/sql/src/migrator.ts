import { ConflictError, InputError } from '@portalkit/core';
import type { SqlClient } from './client.js';
import { isValidSchemaName, quoteIdent } from './client.js';

/**
 * One schema change of a SQL store. Versions only grow; an applied migration is never edited,
 * only followed by a new one. `statements` receives the quoted schema and returns statements
 * run one per call (so PGlite's extended protocol accepts them).
 *
 * @example
 * ```ts
 * const first: SqlMigration = { version: 1, description: 'notes', statements: (s) => [`CREATE TABLE ${s}.notes (id text PRIMARY KEY)`] };
 * ```
 */
export interface SqlMigration {
  version: number;
  description: string;
  statements: (schema: string) => string[];
}

/**
 * Options of {@link runSqlMigrations}.
 *
 * @example
 * ```ts
 * const options: SqlMigrationOptions = { name: 'notes', schema: 'portalkit_notes', migrations: [first] };
 * ```
 */
export interface SqlMigrationOptions {
  /** The store, in errors and in the default lock key, e.g. `catalog`. */
  name: string;
  /** The schema holding the store's tables and its bookkeeping table; created when missing. */
  schema: string;
  /** Every version of the store's schema, in any order (they run by ascending version). */
  migrations: readonly SqlMigration[];
  /**
   * The bookkeeping table in `schema`, default `migrations`. Stores that recorded their
   * versions under another name before this migrator existed keep it (`scaffolder_migrations`,
   * `schema_migrations`), so a database migrated by an older release is recognised as it is.
   */
  table?: string;
  /**
   * The advisory lock serialising runners, default `portalkit-<name>:migrate:<schema>`. A store
   * keeps the key its earlier runner used, so an old and a new process starting together (a
   * rolling upgrade) still take turns.
   */
  lockKey?: string;
}

/**
 * Bring `schema` to the newest of `migrations`, recording applied versions (and their
 * descriptions) in `<schema>.<table>`. The one migration runner of every portalkit SQL store.
 * Idempotent and safe when several processes start at once: a transaction-scoped advisory lock
 * serialises runners, and all of a run's migrations commit together or not at all, so each
 * runs exactly once. A schema newer than the code is refused with a `ConflictError` rather
 * than written with an older layout. A bookkeeping table without a `description` column (the
 * search engine's, before this runner) gets one; its old rows keep a null description.
 *
 * @example
 * ```ts
 * await runSqlMigrations(pgliteClient(db), { name: 'notes', schema: 'portalkit_notes', migrations: [first] });
 * ```
 */
export async function runSqlMigrations(client: SqlClient, options: SqlMigrationOptions): Promise<void> {
  const { name, schema } = options;
  const table = options.table ?? 'migrations';
  if (!isValidSchemaName(schema)) throw new InputError(`${name}: invalid schema name ${JSON.stringify(schema)}`);
  if (!isValidSchemaName(table)) throw new InputError(`${name}: invalid migration table name ${JSON.stringify(table)}`);
  const migrations = [...options.migrations].sort((a, b) => a.version - b.version);
  const versions = migrations.map((m) => m.version);
  if (versions.some((v, i) => !Number.isInteger(v) || v < 1 || v === versions[i - 1])) {
    throw new InputError(`${name}: migration versions must be distinct positive integers, got ${versions.join(', ')}`);
  }
  const s = quoteIdent(schema);
  const t = `${s}.${quoteIdent(table)}`;
  const latest = Math.max(0, ...versions);
  await client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [options.lockKey ?? `portalkit-${name}:migrate:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${t} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const described = await tx.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'description'`,
      [schema, table],
    );
    if (described.rows.length === 0) await tx.query(`ALTER TABLE ${t} ADD COLUMN description text`);
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${t}`);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new ConflictError(`${name} schema ${schema} is at version ${newest}, newer than this portalkit (${latest})`);
    }
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${t} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
  });
}
