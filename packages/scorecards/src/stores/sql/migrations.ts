import { runSqlMigrations } from '@portalkit/catalog';
import type { SqlClient, SqlMigration } from '@portalkit/catalog';

// "C" collation: byte order, the order of the memory store's string comparison.
const migrations: SqlMigration[] = [
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

/** Bring a scorecard schema to the latest version, once, even when several processes start together. */
export function migrate(client: SqlClient, schema: string): Promise<void> {
  return runSqlMigrations(client, { name: 'scorecards', schema, migrations });
}
