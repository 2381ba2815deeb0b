import { ConflictError } from '@portalkit/core';
import type { SqlClient } from './client.js';
import { quoteIdent } from './client.js';

/** One schema change; an applied migration is never edited, only followed by a new one. */
interface Migration {
  version: number;
  description: string;
  statements: (s: string) => string[];
}

// "C" collation: byte order, the order of the memory store's string comparison.
const migrations: Migration[] = [
  {
    version: 1,
    description: 'latest scorecard results and their history',
    statements: (s) => [
      `CREATE TABLE ${s}.results (
        scorecard_id text COLLATE "C" NOT NULL,
        entity_ref text COLLATE "C" NOT NULL,
        owner_ref text COLLATE "C",
        evaluated_at text NOT NULL,
        level text,
        level_index integer NOT NULL,
        percentage double precision NOT NULL,
        failing_checks json NOT NULL,
        checks json NOT NULL,
        dependencies json NOT NULL,
        PRIMARY KEY (scorecard_id, entity_ref)
      )`,
      `CREATE INDEX results_entity_idx ON ${s}.results (entity_ref)`,
      `CREATE INDEX results_owner_idx ON ${s}.results (owner_ref) WHERE owner_ref IS NOT NULL`,
      `CREATE INDEX results_worst_idx ON ${s}.results (scorecard_id, level_index, percentage, entity_ref)`,
      `CREATE TABLE ${s}.history (
        id bigserial PRIMARY KEY,
        scorecard_id text COLLATE "C" NOT NULL,
        entity_ref text COLLATE "C" NOT NULL,
        recorded_at text COLLATE "C" NOT NULL,
        level text,
        level_index integer NOT NULL,
        percentage double precision NOT NULL,
        failing_checks json NOT NULL
      )`,
      `CREATE INDEX history_entity_idx ON ${s}.history (entity_ref, scorecard_id, recorded_at, id)`,
    ],
  },
];

const latestVersion = migrations[migrations.length - 1]!.version;

/**
 * Bring `schema` to the latest version, once, even when several processes start together (a
 * transaction-scoped advisory lock serialises them). A schema newer than this code is refused.
 */
export async function migrate(client: SqlClient, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`portalkit-scorecards:migrate:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${s}.migrations`);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > latestVersion) {
      throw new ConflictError(`scorecard schema ${schema} is at version ${newest}, newer than this portalkit (${latestVersion})`);
    }
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${s}.migrations (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
    }
  });
}
