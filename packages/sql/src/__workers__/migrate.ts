/*
 * A process starting a store, for the migrator's concurrency test: opens a pool, prints
 * "ready", waits for a line on stdin (so both processes start migrating together), runs the
 * test migrations and prints "done".
 *
 *   node --import tsx migrate.ts <connectionString> <schema>
 */
import { createInterface } from 'node:readline';
import { runSqlMigrations } from '../migrator.js';
import { openPgPool } from '../pg/open.js';
import { pgPoolClient } from '../pg/client.js';
import { contendedMigrations } from './contended-migrations.js';

const [connectionString, schema] = process.argv.slice(2) as [string, string];
const { pool, close } = openPgPool({ connectionString }, { max: 2 }, 'migrate-worker');
try {
  await pool.query('SELECT 1');
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  await runSqlMigrations(pgPoolClient(pool, { name: 'migrate-worker' }), { name: 'contended', schema, migrations: contendedMigrations });
  process.stdout.write('done\n');
} finally {
  await close();
}
