import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgPoolClient, pgliteClient, runSqlMigrations } from '@portalkit/sql';
import type { SqlClient } from '@portalkit/sql';
import { pgUrl, postgresSkipReason, randomSchema } from '../../../../../test/support/postgres.js';
import { migrations } from './migrations.js';
import { createSqlScorecardStore } from './sql-store.js';

const skip = await postgresSkipReason();
const pool = skip ? undefined : new pg.Pool({ connectionString: pgUrl, max: 2 });
const db = new PGlite();
afterAll(async () => {
  await pool?.end();
  await db.close();
});

describe.each([
  { name: 'pglite', skip: false as string | false, client: (): SqlClient => pgliteClient(db) },
  { name: 'postgres', skip, client: (): SqlClient => pgPoolClient(pool!, { name: 'test' }) },
])('scorecard schema migration 2 on $name', ({ name, skip: skipReason, client }) => {
  it.skipIf(skipReason)('keys a version-1 schema by SHA-256, keeping its results and history', async () => {
    const schema = name === 'pglite' ? 'upgrade_v1' : randomSchema();
    const sql = client();
    try {
      await runSqlMigrations(sql, { name: 'scorecards', schema, migrations: migrations.filter((m) => m.version === 1) });
      await sql.query(
        `INSERT INTO "${schema}".results (scorecard_id, entity_ref, owner_ref, evaluated_at, level, level_index, percentage, failing_checks, checks, dependencies)
         VALUES ('readiness', 'component:default/a', 'group:default/team-a', '2026-01-01T00:00:00.000Z', 'bronze', 0, 50, '[]', '[]', '[]')`,
      );
      await sql.query(
        `INSERT INTO "${schema}".history (scorecard_id, entity_ref, recorded_at, level, level_index, percentage, failing_checks)
         VALUES ('readiness', 'component:default/a', '2026-01-01T00:00:00.000Z', 'bronze', 0, 50, '[]')`,
      );
      const store = createSqlScorecardStore({ name: 'test', client: sql, schema, close: async () => {} });
      expect((await store.latest({ ownerRef: 'group:default/team-a' })).map((r) => r.entityRef)).toEqual(['component:default/a']);
      expect(await store.history({ entityRef: 'component:default/a', scorecardId: 'readiness' })).toHaveLength(1);
      // The old row is found by its new key: this put replaces it and appends history.
      const long = `component:default/${'x'.repeat(5000)}`;
      await store.write({
        put: [
          { scorecardId: 'readiness', entityRef: 'component:default/a', evaluatedAt: '2026-01-02T00:00:00.000Z', levelIndex: -1, percentage: 0, checks: [], dependencies: [] },
          { scorecardId: 'readiness', entityRef: long, evaluatedAt: '2026-01-02T00:00:00.000Z', levelIndex: -1, percentage: 0, checks: [], dependencies: [] },
        ],
      });
      expect((await store.latest()).map((r) => [r.entityRef.length, r.percentage])).toEqual([
        ['component:default/a'.length, 0],
        [long.length, 0],
      ]);
      expect((await store.history({ entityRef: 'component:default/a' })).map((h) => h.percentage)).toEqual([0, 50]);
      const { rows } = await sql.query<{ version: number }>(`SELECT version FROM "${schema}".migrations ORDER BY version`);
      expect(rows.map((r) => Number(r.version))).toEqual([1, 2]);
      await store.close();
    } finally {
      await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
