import { runSqlMigrations } from '@portalkit/sql';
import type { SqlClient, SqlMigration } from '@portalkit/sql';

/**
 * The indexed key of a ref: its SHA-256 (32 bytes, whatever the ref's length). Every query
 * compares the key and then the text, so the text decides even in theory.
 */
export const sha256Key = (expression: string) => `sha256(convert_to(${expression}, 'UTF8'))`;

// "C" collation: byte order, the order of the memory store's string comparison.
export const migrations: SqlMigration[] = [
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
  {
    version: 2,
    // A btree row holds at most ~2.7 kB, and refs come from catalog authors (a 10k-character
    // owner ref is valid YAML): index fixed-size SHA-256 keys instead of the text, which stays
    // in the table for results and ordering.
    description: 'index scorecard, entity and owner refs by their SHA-256, not their text',
    statements: (s) => [
      `ALTER TABLE ${s}.results ADD COLUMN scorecard_key bytea, ADD COLUMN entity_key bytea, ADD COLUMN owner_key bytea`,
      `UPDATE ${s}.results SET scorecard_key = ${sha256Key('scorecard_id')}, entity_key = ${sha256Key('entity_ref')}, owner_key = ${sha256Key('owner_ref')}`,
      `ALTER TABLE ${s}.results ALTER COLUMN scorecard_key SET NOT NULL, ALTER COLUMN entity_key SET NOT NULL`,
      `ALTER TABLE ${s}.results DROP CONSTRAINT results_pkey`,
      `DROP INDEX ${s}.results_entity_idx`,
      `DROP INDEX ${s}.results_owner_idx`,
      `DROP INDEX ${s}.results_worst_idx`,
      `ALTER TABLE ${s}.results ADD CONSTRAINT results_pkey PRIMARY KEY (scorecard_key, entity_key)`,
      `CREATE INDEX results_entity_idx ON ${s}.results (entity_key)`,
      `CREATE INDEX results_owner_idx ON ${s}.results (owner_key) WHERE owner_key IS NOT NULL`,
      `CREATE INDEX results_worst_idx ON ${s}.results (scorecard_key, level_index, percentage)`,
      `ALTER TABLE ${s}.history ADD COLUMN scorecard_key bytea, ADD COLUMN entity_key bytea`,
      `UPDATE ${s}.history SET scorecard_key = ${sha256Key('scorecard_id')}, entity_key = ${sha256Key('entity_ref')}`,
      `ALTER TABLE ${s}.history ALTER COLUMN scorecard_key SET NOT NULL, ALTER COLUMN entity_key SET NOT NULL`,
      `DROP INDEX ${s}.history_entity_idx`,
      // recorded_at is bounded by the stores (a timestamp of at most 64 characters).
      `CREATE INDEX history_entity_idx ON ${s}.history (entity_key, scorecard_key, recorded_at, id)`,
    ],
  },
];

/** Bring a scorecard schema to the latest version, once, even when several processes start together. */
export function migrate(client: SqlClient, schema: string): Promise<void> {
  return runSqlMigrations(client, { name: 'scorecards', schema, migrations });
}
