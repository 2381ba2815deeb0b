import { ConflictError } from '@portalkit/core';
import type { SqlClient } from './client.js';
import { quoteIdent } from './client.js';

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
 * Bring `schema` to the newest of `migrations`, recording applied versions in
 * `<schema>.migrations`. Idempotent and safe when several processes start at once: a
 * transaction-scoped advisory lock (keyed by `name` and schema) serialises runners, so each
 * migration runs exactly once. A schema newer than the code is refused with a `ConflictError`
 * rather than written with an older layout. Shared by every portalkit SQL store.
 *
 * @example
 * ```ts
 * await runSqlMigrations(pgliteClient(db), { name: 'notes', schema: 'portalkit_notes', migrations: [first] });
 * ```
 */
export async function runSqlMigrations(
  client: SqlClient,
  options: { name: string; schema: string; migrations: readonly SqlMigration[] },
): Promise<void> {
  const { name, schema, migrations } = options;
  const s = quoteIdent(schema);
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  await client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`portalkit-${name}:migrate:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${s}.migrations`);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new ConflictError(`${name} schema ${schema} is at version ${newest}, newer than this portalkit (${latest})`);
    }
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${s}.migrations (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
  });
}
