import type { SqlMigration } from '../migrator.js';
import { quoteIdent } from '../client.js';

/** The indexed key of a text column: its SHA-256, whatever the text's length (targets come from catalog authors). */
export const sha256Key = (expression: string) => `sha256(convert_to(${expression}, 'UTF8'))`;

/** The audit table's migrations, for a table named `table` (index names derive from it). */
export function auditMigrations(table: string): SqlMigration[] {
  const index = (suffix: string) => quoteIdent(`${table}_${suffix}`);
  return [
    {
      version: 1,
      description: `audit events (${table}), indexed by target, actor and time`,
      statements: (s) => {
        const t = `${s}.${quoteIdent(table)}`;
        return [
          `CREATE TABLE ${t} (
            id bigserial PRIMARY KEY,
            time timestamptz NOT NULL,
            plugin text NOT NULL,
            action text COLLATE "C" NOT NULL,
            actor_type text NOT NULL,
            actor_subject text NOT NULL,
            target text NOT NULL,
            outcome text NOT NULL,
            request_id text,
            error text,
            meta jsonb,
            target_key bytea NOT NULL,
            actor_key bytea NOT NULL
          )`,
          `CREATE INDEX ${index('target_idx')} ON ${t} (target_key, time DESC, id DESC)`,
          `CREATE INDEX ${index('actor_idx')} ON ${t} (actor_key, time DESC, id DESC)`,
          `CREATE INDEX ${index('time_idx')} ON ${t} (time DESC, id DESC)`,
        ];
      },
    },
  ];
}
