import { quoteIdent, runSqlMigrations } from '@portalkit/sql';
import type { SqlClient, SqlMigration } from '@portalkit/sql';

/**
 * Schema changes, in order (exported for upgrade tests). Each runs once per schema, recorded in
 * `schema_migrations`; every statement is also idempotent, so a half-applied run (or a
 * hand-made table) is safe to repeat.
 */
export const migrations: SqlMigration[] = [
  {
    version: 1,
    description: 'documents with a weighted tsvector',
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
    description: 'the word list for fuzzy matching',
    statements: (s) => [`CREATE TABLE IF NOT EXISTS ${s}.words (word text PRIMARY KEY)`],
  },
  {
    // A btree row holds at most ~2.7 kB, and a location comes from authors (a TechDocs section's
    // anchor is its heading's text, any length): key documents by the location's SHA-256.
    version: 3,
    description: 'key documents by the SHA-256 of their location',
    statements: (s) => [
      `ALTER TABLE ${s}.documents ADD COLUMN IF NOT EXISTS location_key bytea`,
      `UPDATE ${s}.documents SET location_key = ${locationKey('location')} WHERE location_key IS NULL`,
      `ALTER TABLE ${s}.documents ALTER COLUMN location_key SET NOT NULL`,
      `ALTER TABLE ${s}.documents DROP CONSTRAINT IF EXISTS documents_pkey`,
      `ALTER TABLE ${s}.documents ADD CONSTRAINT documents_pkey PRIMARY KEY (type, location_key)`,
    ],
  },
  {
    // Who may see a document: the resource it belongs to (`authorization.resourceRef`) and, per
    // resource, the facts permission conditions read (an entity's search rows as key -> values).
    version: 4,
    description: 'document resources and their facts, for permission conditions',
    statements: (s) => [
      `ALTER TABLE ${s}.documents ADD COLUMN IF NOT EXISTS resource_ref text`,
      `CREATE INDEX IF NOT EXISTS documents_resource_ref_idx ON ${s}.documents (resource_ref)`,
      `CREATE TABLE IF NOT EXISTS ${s}.resources (ref text PRIMARY KEY, facts jsonb NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS resources_facts_idx ON ${s}.resources USING gin (facts)`,
    ],
  },
  {
    // Ranking compared every hit's title with the query through a regexp (a fifth of a many-hit
    // query's time): store the compared form once, at write time. The generation sequence lets an
    // engine tell whether a ranked list it kept for cursor pages is still current (see
    // `ranked-pages.ts`); any process's write moves it on.
    version: 5,
    description: 'the exact-match form of each title, and a write generation for cached ranked lists',
    statements: (s) => [
      `ALTER TABLE ${s}.documents ADD COLUMN IF NOT EXISTS title_key text`,
      `UPDATE ${s}.documents SET title_key = ${titleKey('title')} WHERE title_key IS NULL`,
      `ALTER TABLE ${s}.documents ALTER COLUMN title_key SET NOT NULL`,
      `CREATE SEQUENCE IF NOT EXISTS ${s}.generation`,
      // Ranking reads every hit's tsvector. A row over ~2 kB had its largest column moved out of
      // line (TOAST), and after the document JSON was compressed that was the tsvector, so each
      // hit cost a detour to the TOAST table: move the document and text out first (rows written
      // from now on).
      `ALTER TABLE ${s}.documents ALTER COLUMN tsv SET STORAGE MAIN`,
    ],
  },
  {
    // A sequence is not transactional: a query could read a write's move while its snapshot still
    // missed the write, and nothing moved it again if the writer's process ended right after the
    // commit, so a stale ranked list passed for current. A row updated in the write's own
    // transaction changes exactly when its rows become visible.
    version: 6,
    description: 'a transactional write generation for cached ranked lists',
    statements: (s) => [
      `CREATE TABLE IF NOT EXISTS ${s}.write_generation (one boolean PRIMARY KEY DEFAULT true CHECK (one), n bigint NOT NULL)`,
      `INSERT INTO ${s}.write_generation (n) VALUES (0) ON CONFLICT (one) DO NOTHING`,
      `DROP SEQUENCE IF EXISTS ${s}.generation`,
    ],
  },
];

/**
 * SQL for the form of a title an exact match compares with the query's words: lower case,
 * runs of anything but letters and digits as one space, trimmed.
 */
export const titleKey = (expression: string) => `btrim(regexp_replace(lower(${expression}), '[^[:alnum:]]+', ' ', 'g'))`;

/** SQL for the indexed key of a document location: its SHA-256, 32 bytes whatever its length. */
export const locationKey = (expression: string) => `sha256(convert_to(${expression}, 'UTF8'))`;

const lockKey = (schema: string) => `portalkit-search:${schema}`;

/**
 * Bring `schema` up to date with the shared migrator. Concurrent callers (several processes
 * starting at once) are serialised by an advisory lock, so each migration runs exactly once;
 * a schema migrated by a newer release is refused with a `ConflictError`. Versions stay in
 * `schema_migrations` under the lock key of earlier releases, so databases they migrated are
 * recognised (the table gains a `description` column).
 */
export function migrate(client: SqlClient, schema: string): Promise<void> {
  return runSqlMigrations(client, { name: 'search', schema, migrations, table: 'schema_migrations', lockKey: lockKey(schema) });
}

/**
 * What fuzzy matching needs beyond the versioned schema: the `pg_trgm` extension and a trigram
 * index on the word list. Idempotent; run only by engines created with `fuzzy`, so hosts that
 * cannot create extensions are unaffected until they opt in. Holds the migrations' lock, so DDL
 * never races.
 */
export function enableFuzzy(client: SqlClient, schema: string): Promise<void> {
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey(schema)]);
    await tx.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await tx.query(`CREATE INDEX IF NOT EXISTS words_trgm_idx ON ${quoteIdent(schema)}.words USING gin (word gin_trgm_ops)`);
  });
}
