import type { SqlMigration } from '../migrator.js';

/**
 * The shared event bus's tables: the log every process appends to and reads from (payloads kept
 * as JSON text, since `jsonb` refuses a `\u0000` an entity may carry), and each named consumer's
 * position in it.
 */
export const eventBusMigrations: SqlMigration[] = [
  {
    version: 1,
    description: 'event log and consumer positions of the shared event bus',
    statements: (s) => [
      `CREATE TABLE ${s}.events (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text,
        origin text NOT NULL,
        payload text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX events_published_at ON ${s}.events (published_at)`,
      `CREATE TABLE ${s}.event_consumers (
        name text PRIMARY KEY,
        last_id bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
];
