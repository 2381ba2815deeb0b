import type { PoolClient } from 'pg';

/** One schema change; `version`s only grow and applied ones are never edited. */
interface Migration {
  version: number;
  description: string;
  sql: (schema: string) => string;
}

const migrations: Migration[] = [
  {
    version: 1,
    description: 'tasks and task events',
    sql: (s) => `
      CREATE TABLE ${s}.tasks (
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
      );
      CREATE INDEX tasks_open_idx ON ${s}.tasks (status, seq);
      CREATE TABLE ${s}.task_events (
        id bigserial PRIMARY KEY,
        task_id text NOT NULL REFERENCES ${s}.tasks (id) ON DELETE CASCADE,
        type text NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX task_events_task_idx ON ${s}.task_events (task_id, id);
    `,
  },
];

/**
 * Bring `schema` up to the latest version. Safe to run from many processes at once: an advisory
 * lock serialises runners and applied versions are recorded, so each migration runs exactly once.
 */
export async function migrate(client: PoolClient, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`portalkit-scaffolder:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.scaffolder_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.scaffolder_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.scaffolder_migrations (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Quote a SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
