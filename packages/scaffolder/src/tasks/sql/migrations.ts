import { runSqlMigrations } from '@portalkit/sql';
import type { SqlClient, SqlMigration } from '@portalkit/sql';

/** Every task store schema version, oldest first (exported for upgrade tests). */
export const migrations: SqlMigration[] = [
  {
    version: 1,
    description: 'tasks and task events',
    statements: (s) => [
      `CREATE TABLE ${s}.tasks (
        seq bigserial NOT NULL,
        id text PRIMARY KEY,
        spec jsonb NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text,
        claimed_by text,
        lease_expires_at timestamptz,
        last_heartbeat_at timestamptz,
        cancel_requested boolean NOT NULL DEFAULT false,
        completed_at timestamptz,
        output jsonb,
        error jsonb
      )`,
      `CREATE INDEX tasks_open_idx ON ${s}.tasks (status, seq)`,
      `CREATE TABLE ${s}.task_events (
        id bigserial PRIMARY KEY,
        task_id text NOT NULL REFERENCES ${s}.tasks (id) ON DELETE CASCADE,
        type text NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX task_events_task_idx ON ${s}.task_events (task_id, id)`,
    ],
  },
  {
    version: 2,
    description: 'the creator\'s scaffolder.action.execute decision; tasks listed by creator',
    statements: (s) => [
      // Tasks created before this version keep NULL: they were created without a permission check.
      `ALTER TABLE ${s}.tasks ADD COLUMN action_decision jsonb`,
      `CREATE INDEX tasks_created_by_idx ON ${s}.tasks (created_by, seq)`,
    ],
  },
  {
    version: 3,
    description: 'who a task acts as (its creator principal, or the host)',
    statements: (s) => [
      // Tasks created before this version keep NULL: under a policy their catalog actions are refused.
      `ALTER TABLE ${s}.tasks ADD COLUMN creator jsonb`,
    ],
  },
  {
    version: 4,
    description: 'retry and recovery (state, resume mode, recoveries, workspace snapshot) and sealed secrets',
    statements: (s) => [
      // sealed_secrets: AES-256-GCM output of the scaffolder's secret box; the store never sees plaintext.
      `ALTER TABLE ${s}.tasks ADD COLUMN state jsonb, ADD COLUMN resume_mode text,
         ADD COLUMN recoveries integer NOT NULL DEFAULT 0, ADD COLUMN sealed_secrets jsonb`,
      // Kept apart from the row's other columns so listing tasks never reads it.
      `CREATE TABLE ${s}.task_workspaces (
        task_id text PRIMARY KEY REFERENCES ${s}.tasks (id) ON DELETE CASCADE,
        data bytea NOT NULL
      )`,
    ],
  },
];

/**
 * Bring `schema` up to the latest version, once, even when several processes start together.
 * Versions stay recorded in `scaffolder_migrations` under the advisory lock key of earlier
 * releases, so databases they migrated are recognised and an old and a new process take turns.
 */
export function migrate(client: SqlClient, schema: string): Promise<void> {
  return runSqlMigrations(client, { name: 'scaffolder', schema, migrations, table: 'scaffolder_migrations', lockKey: `portalkit-scaffolder:${schema}` });
}
