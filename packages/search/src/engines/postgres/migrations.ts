import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './connection.js';

/**
 * Schema changes, in order. Each runs once per schema, recorded in `schema_migrations`; every
 * statement is also idempotent, so a half-applied run (or a hand-made table) is safe to repeat.
 */
const migrations: Array<{ version: number; statements: (schema: string) => string[] }> = [
  {
    version: 1,
    statements: (s) => [
      `CREATE TABLE IF NOT EXISTS ${s}.documents (
        type text NOT NULL,
        location text NOT NULL,
        title text NOT NULL,
        text text NOT NULL,
        document jsonb NOT NULL,
        facets jsonb NOT NULL,
        tsv tsvector NOT NULL,
        PRIMARY KEY (type, location)
      )`,
      `CREATE INDEX IF NOT EXISTS documents_tsv_idx ON ${s}.documents USING gin (tsv)`,
      `CREATE INDEX IF NOT EXISTS documents_facets_idx ON ${s}.documents USING gin (facets jsonb_path_ops)`,
    ],
  },
  {
    // The words of indexed documents, for fuzzy matching (filled only by engines with `fuzzy`).
    version: 2,
    statements: (s) => [`CREATE TABLE IF NOT EXISTS ${s}.words (word text PRIMARY KEY)`],
  },
  {
    // A btree row holds at most ~2.7 kB, and a location comes from authors (a TechDocs section's
    // anchor is its heading's text, any length): key documents by the location's SHA-256.
    version: 3,
    statements: (s) => [
      `ALTER TABLE ${s}.documents ADD COLUMN IF NOT EXISTS location_key bytea`,
      `UPDATE ${s}.documents SET location_key = ${locationKey('location')} WHERE location_key IS NULL`,
      `ALTER TABLE ${s}.documents ALTER COLUMN location_key SET NOT NULL`,
      `ALTER TABLE ${s}.documents DROP CONSTRAINT IF EXISTS documents_pkey`,
      `ALTER TABLE ${s}.documents ADD CONSTRAINT documents_pkey PRIMARY KEY (type, location_key)`,
    ],
  },
];

/** SQL for the indexed key of a document location: its SHA-256, 32 bytes whatever its length. */
export const locationKey = (expression: string) => `sha256(convert_to(${expression}, 'UTF8'))`;

/** The newest migration version; an engine refuses a schema migrated past it by a newer release. */
export const LATEST_VERSION = Math.max(...migrations.map((m) => m.version));

/**
 * Bring `schema` up to date. Concurrent callers (several processes starting at once) are
 * serialised by an advisory lock, so each migration runs exactly once.
 */
export function migrate(pool: Pool, schema: string): Promise<number> {
  return underSchemaLock(pool, schema, async (client, quoted) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${quoted}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(quoted)) await client.query(statement);
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version) VALUES ($1)`, [migration.version]);
    }
    return Math.max(0, ...applied, LATEST_VERSION);
  });
}

/**
 * What fuzzy matching needs beyond the versioned schema: the `pg_trgm` extension and a trigram
 * index on the word list. Idempotent; run only by engines created with `fuzzy`, so hosts that
 * cannot create extensions are unaffected until they opt in.
 */
export function enableFuzzy(pool: Pool, schema: string): Promise<void> {
  return underSchemaLock(pool, schema, async (client, quoted) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await client.query(`CREATE INDEX IF NOT EXISTS words_trgm_idx ON ${quoted}.words USING gin (word gin_trgm_ops)`);
  });
}

/** Run `work` in one transaction holding the schema's advisory lock, so DDL never races. */
function underSchemaLock<T>(pool: Pool, schema: string, work: (client: PoolClient, quoted: string) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`portalkit-search:${schema}`]);
    return work(client, quoteIdent(schema));
  });
}

/** Quote an identifier already checked against {@link SCHEMA_NAME}. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Schema names the engine accepts: plain SQL identifiers, so quoting is never surprising. */
export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
