import { runSqlMigrations } from '@portalkit/sql';
import type { SqlClient, SqlMigration } from '@portalkit/sql';

/** The keys whose values have a trigram index for full-text filters (where pg_trgm exists). */
export const textKeys = ['metadata.name', 'metadata.title', 'metadata.description'];

/** A SQL string literal of `text`. */
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** SQL for the indexed form of a `text[]` of refresh keys: the MD5 of each (fixed size, any key length). */
export const refreshKeyHashes = (array: string) => `ARRAY(SELECT md5(k) FROM unnest(${array}) AS k)`;

// Sorting and keyset comparisons use the "C" collation: byte order, like the memory store's
// string comparison, and independent of the database's locale.
/** Every catalog schema version, oldest first (exported for upgrade tests). */
export const migrations: SqlMigration[] = [
  {
    version: 1,
    description: 'locations, refresh state, relations, final entities and search rows',
    statements: (s) => [
      `CREATE TABLE ${s}.locations (
        id text PRIMARY KEY,
        type text NOT NULL,
        target text NOT NULL,
        created_at text COLLATE "C" NOT NULL
      )`,
      `CREATE INDEX locations_created_idx ON ${s}.locations (created_at, id)`,
      `CREATE INDEX locations_target_idx ON ${s}.locations (type, target)`,
      `CREATE TABLE ${s}.refresh_state (
        entity_ref text COLLATE "C" PRIMARY KEY,
        root_key text,
        location_key text,
        parent_refs text[] NOT NULL,
        unprocessed json NOT NULL,
        processed json,
        errors json NOT NULL,
        relations json NOT NULL,
        refresh_keys text[] NOT NULL,
        hash text NOT NULL
      )`,
      `CREATE INDEX refresh_state_root_idx ON ${s}.refresh_state (root_key) WHERE root_key IS NOT NULL`,
      `CREATE INDEX refresh_state_parents_idx ON ${s}.refresh_state USING gin (parent_refs)`,
      `CREATE INDEX refresh_state_keys_idx ON ${s}.refresh_state USING gin (refresh_keys)`,
      `CREATE TABLE ${s}.relations (
        originating_ref text NOT NULL,
        source_ref text NOT NULL,
        type text NOT NULL,
        target_ref text NOT NULL
      )`,
      `CREATE INDEX relations_source_idx ON ${s}.relations (source_ref)`,
      `CREATE INDEX relations_origin_idx ON ${s}.relations (originating_ref)`,
      `CREATE TABLE ${s}.final_entities (
        entity_ref text COLLATE "C" PRIMARY KEY,
        uid text COLLATE "C" NOT NULL UNIQUE,
        etag text NOT NULL,
        entity json NOT NULL
      )`,
      // Backstage's search table: one row per flattened key/value of a final entity.
      `CREATE TABLE ${s}.search (
        entity_ref text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        value text COLLATE "C",
        original text
      )`,
      // (key, value) answers filters and facets; (entity_ref, key) finds sort values and deletes.
      `CREATE INDEX search_key_value_idx ON ${s}.search (key, value, entity_ref)`,
      `CREATE INDEX search_entity_idx ON ${s}.search (entity_ref, key, value)`,
    ],
  },
  {
    version: 2,
    description: 'processing leases shared by several workers',
    statements: (s) => [
      `CREATE TABLE ${s}.processing_leases (
        key text COLLATE "C" PRIMARY KEY,
        owner text,
        expires_at timestamptz NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    description: 'key/value statistics on search rows for filter row estimates',
    // key and value are strongly correlated (every `kind` row has one of a few values); without
    // these statistics the planner multiplies their selectivities, underestimates a filter's
    // matches 20x and picks hash semi-joins that take hundreds of ms at 100k entities.
    statements: (s) => [`CREATE STATISTICS IF NOT EXISTS ${s}.search_key_value_stats (dependencies, mcv) ON key, value FROM ${s}.search`],
  },
  {
    version: 4,
    // A btree row holds at most ~2.7 kB (a GIN entry about as much), and location targets and
    // refresh keys (often made from a target) come from HTTP clients and catalog authors:
    // index them by hash instead. A hash index keeps 4 bytes per row whatever the text's
    // length; refresh keys get a GIN index over their MD5s. Queries still compare the text, so
    // a hash collision can only add a candidate row, never a wrong answer.
    description: 'index location targets and refresh keys by hash, not their text',
    statements: (s) => [
      `DROP INDEX ${s}.locations_target_idx`,
      `CREATE INDEX locations_target_idx ON ${s}.locations USING hash (target)`,
      `ALTER TABLE ${s}.refresh_state ADD COLUMN refresh_key_hashes text[] NOT NULL DEFAULT '{}'`,
      `UPDATE ${s}.refresh_state SET refresh_key_hashes = ${refreshKeyHashes('refresh_keys')} WHERE cardinality(refresh_keys) > 0`,
      `DROP INDEX ${s}.refresh_state_keys_idx`,
      `CREATE INDEX refresh_state_keys_idx ON ${s}.refresh_state USING gin (refresh_key_hashes)`,
    ],
  },
  {
    version: 5,
    // Full-text filters match substrings (`LIKE '%term%'`), which no btree answers: without a
    // trigram index every value of the chosen keys is read (755 ms at 100k entities). pg_trgm
    // is a trusted contrib extension, so a database owner may create it; where it cannot be
    // created (no contrib package, no privilege, PGlite without the extension) the store works
    // as before, reading every value. Only the keys a portal's search box uses are indexed,
    // so the index costs 3 rows per entity, not one per search row.
    description: 'query: trigram index on name, title and description values for full-text filters; one search row per entity, key and value',
    statements: (s) => [
      // Facets count rows (a count of distinct entities sorted 244k rows at 100k entities); the
      // writer now keeps one row per (entity, key, value), and this drops earlier repeats.
      `DELETE FROM ${s}.search WHERE ctid IN (
        SELECT ctid FROM (
          SELECT ctid, row_number() OVER (PARTITION BY entity_ref, key, value ORDER BY ctid) AS n FROM ${s}.search
        ) r WHERE r.n > 1
      )`,
      `DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm unavailable (%), full-text filters scan values', SQLERRM;
      END $$`,
      `DO $$ DECLARE ns text;
      BEGIN
        SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
        IF ns IS NOT NULL THEN
          EXECUTE format('CREATE INDEX IF NOT EXISTS search_text_trgm_idx ON %s.search USING gin (value %I.gin_trgm_ops) WHERE key IN (%s)',
            ${quoteLiteral(s)}, ns, ${quoteLiteral(textKeys.map(quoteLiteral).join(', '))});
        END IF;
      END $$`,
    ],
  },
  {
    version: 6,
    // Kind filters are answered from the entity ref's `kind:` prefix (kind-by-ref.ts), exact
    // only while no entity's ref hides its kind: those entities (a kind with `:` or too long to
    // store) are kept in this partial index, which queries check for emptiness. Usually empty,
    // so writes pay only the predicate on each kind row.
    description: 'query: partial index on the kind rows whose value the entity ref does not start with',
    statements: (s) => [
      `CREATE INDEX IF NOT EXISTS search_odd_kind_idx ON ${s}.search (entity_ref) WHERE key = 'kind' AND (value IS NULL OR strpos(value, ':') > 0)`,
    ],
  },
];

/** The newest schema version this code knows. */
export const latestSchemaVersion = migrations[migrations.length - 1]!.version;

/** Bring a catalog schema to the latest version (see {@link runSqlMigrations}). */
export function migrate(client: SqlClient, schema: string): Promise<void> {
  return runSqlMigrations(client, { name: 'catalog', schema, migrations });
}
