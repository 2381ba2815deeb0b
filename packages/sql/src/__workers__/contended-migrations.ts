import type { SqlMigration } from '../migrator.js';

/**
 * Migrations that fail or leave two rows if they run twice: `log` is created without
 * IF NOT EXISTS, and version 2 records which backend ran it, slowly, widening the window in
 * which a second unserialised runner would run it too.
 */
export const contendedMigrations: SqlMigration[] = [
  { version: 1, description: 'log', statements: (s) => [`CREATE TABLE ${s}.log (backend integer NOT NULL)`] },
  {
    version: 2,
    description: 'one row per run',
    statements: (s) => [`INSERT INTO ${s}.log (backend) VALUES (pg_backend_pid())`, 'SELECT pg_sleep(0.3)'],
  },
];
