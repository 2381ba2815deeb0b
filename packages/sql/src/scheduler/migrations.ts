import type { SqlMigration } from '../migrator.js';

/** The scheduler's lease table: one row per task id, owned until `expires_at` (database time). */
export const schedulerMigrations: SqlMigration[] = [
  {
    version: 1,
    description: 'leases of scheduled tasks shared by several processes',
    statements: (s) => [
      `CREATE TABLE ${s}.scheduler_leases (
        task_id text PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
];
