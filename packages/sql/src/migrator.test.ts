import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ConflictError, InputError } from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqlClient } from './client.js';
import { runSqlMigrations } from './migrator.js';
import type { SqlMigration } from './migrator.js';
import { pgPoolClient } from './pg/client.js';
import { pgliteClient } from './pglite/client.js';
import { contendedMigrations } from './__workers__/contended-migrations.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../test/support/postgres.js';

const skip = await postgresSkipReason();

/** Migrations that log each run of theirs in `<schema>.runs`; version 2 needs version 1's table. */
const logged: SqlMigration[] = [
  { version: 1, description: 'runs', statements: (s) => [`CREATE TABLE ${s}.runs (version integer NOT NULL)`, `INSERT INTO ${s}.runs VALUES (1)`] },
  { version: 2, description: 'notes', statements: (s) => [`CREATE TABLE ${s}.notes (id text PRIMARY KEY)`, `INSERT INTO ${s}.runs VALUES (2)`] },
  { version: 3, description: 'note bodies', statements: (s) => [`ALTER TABLE ${s}.notes ADD COLUMN body text`, `INSERT INTO ${s}.runs VALUES (3)`] },
];

interface Target {
  client: SqlClient;
  close(): Promise<void>;
}

const targets: Array<[string, () => Promise<Target>]> = [
  [
    'pglite',
    async () => {
      const db = new PGlite();
      return { client: pgliteClient(db), close: () => db.close() };
    },
  ],
];
if (!skip) {
  targets.push([
    'postgres',
    async () => {
      const pool = new pg.Pool({ connectionString: pgUrl, max: 3 });
      return { client: pgPoolClient(pool, { name: 'test' }), close: () => pool.end() };
    },
  ]);
}

const schemas: string[] = [];
const fresh = () => {
  const schema = randomSchema();
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  if (!skip) for (const schema of schemas) await dropSchema(schema);
});

describe.each(targets)('runSqlMigrations on %s', (_name, open) => {
  const use = async (fn: (client: SqlClient) => Promise<void>) => {
    const target = await open();
    try {
      await fn(target.client);
    } finally {
      await target.close();
    }
  };
  const versions = async (client: SqlClient, schema: string, table = 'migrations') =>
    (await client.query<{ version: number; description: string | null }>(`SELECT version, description FROM "${schema}"."${table}" ORDER BY version`)).rows;
  const runs = async (client: SqlClient, schema: string) =>
    (await client.query<{ version: number }>(`SELECT version FROM "${schema}".runs`)).rows.map((r) => r.version);

  it('runs migrations by ascending version, whatever their order in the list', () =>
    use(async (client) => {
      const schema = fresh();
      await runSqlMigrations(client, { name: 'notes', schema, migrations: [logged[2]!, logged[0]!, logged[1]!] });
      expect(await runs(client, schema)).toEqual([1, 2, 3]);
      expect(await versions(client, schema)).toEqual([
        { version: 1, description: 'runs' },
        { version: 2, description: 'notes' },
        { version: 3, description: 'note bodies' },
      ]);
    }));

  it('is idempotent: a second run, or a run after new versions, runs each migration once', () =>
    use(async (client) => {
      const schema = fresh();
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged.slice(0, 2) });
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged.slice(0, 2) });
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged });
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged });
      expect(await runs(client, schema)).toEqual([1, 2, 3]);
    }));

  it('applies nothing of a run whose migration fails, and retries it whole next time', () =>
    use(async (client) => {
      const schema = fresh();
      const broken: SqlMigration = { version: 2, description: 'broken', statements: (s) => [`INSERT INTO ${s}.runs VALUES (2)`, 'SELECT * FROM no_such_table'] };
      await expect(runSqlMigrations(client, { name: 'notes', schema, migrations: [logged[0]!, broken] })).rejects.toThrow(/no_such_table/);
      await expect(client.query(`SELECT 1 FROM "${schema}".runs`)).rejects.toThrow();
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged });
      expect(await runs(client, schema)).toEqual([1, 2, 3]);
    }));

  it('refuses a schema migrated by a newer release, leaving it untouched', () =>
    use(async (client) => {
      const schema = fresh();
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged });
      const error = await runSqlMigrations(client, { name: 'notes', schema, migrations: logged.slice(0, 2) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/notes schema .* is at version 3, newer than this portalkit \(2\)/);
    }));

  it('refuses duplicate or non-positive versions and bad table names before touching the database', async () => {
    const client: SqlClient = {
      query: () => Promise.reject(new Error('must not be called')),
      transaction: () => Promise.reject(new Error('must not be called')),
    };
    const twice = [logged[0]!, { ...logged[1]!, version: 1 }];
    await expect(runSqlMigrations(client, { name: 'notes', schema: 's', migrations: twice })).rejects.toThrow(InputError);
    await expect(runSqlMigrations(client, { name: 'notes', schema: 's', migrations: [{ ...logged[0]!, version: 0 }] })).rejects.toThrow(InputError);
    await expect(runSqlMigrations(client, { name: 'notes', schema: 's', migrations: logged, table: 'x"; DROP' })).rejects.toThrow(InputError);
  });

  it('keeps a store\'s own bookkeeping table, and upgrades one without descriptions (the search engine\'s before)', () =>
    use(async (client) => {
      const schema = fresh();
      // The search engine's bookkeeping as its own runner made it: no description column.
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`CREATE TABLE "${schema}".schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      for (const statement of logged[0]!.statements(`"${schema}"`)) await client.query(statement);
      await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (1)`);
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged, table: 'schema_migrations' });
      await runSqlMigrations(client, { name: 'notes', schema, migrations: logged, table: 'schema_migrations' });
      expect(await runs(client, schema)).toEqual([1, 2, 3]);
      expect(await versions(client, schema, 'schema_migrations')).toEqual([
        { version: 1, description: null },
        { version: 2, description: 'notes' },
        { version: 3, description: 'note bodies' },
      ]);
    }));
});

describe.skipIf(skip)(`runSqlMigrations started by two processes at once on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  const worker = fileURLToPath(new URL('./__workers__/migrate.ts', import.meta.url));

  /** Start a worker process; resolves with it once it is connected and waiting. */
  const start = (schema: string) =>
    new Promise<{ go(): void; done: Promise<string> }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, pgUrl, schema], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += String(chunk)));
      const lines = createInterface({ input: child.stdout });
      const output: string[] = [];
      const done = new Promise<string>((resolveDone, rejectDone) => {
        child.on('exit', (code) => (code === 0 ? resolveDone(output.join(' ')) : rejectDone(new Error(`worker exited ${code}: ${stderr}`))));
      });
      done.catch(reject);
      lines.on('line', (line) => {
        output.push(line);
        if (line === 'ready') resolve({ go: () => child.stdin.end('go\n'), done });
      });
    });

  it('runs each migration exactly once, both processes succeeding (advisory lock)', async () => {
    const schema = fresh();
    const workers = await Promise.all([start(schema), start(schema)]);
    for (const w of workers) w.go();
    expect(await Promise.all(workers.map((w) => w.done))).toEqual(['ready done', 'ready done']);
    const pool = new pg.Pool({ connectionString: pgUrl, max: 1 });
    try {
      expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".log`)).rows).toEqual([{ n: 1 }]);
      expect((await pool.query(`SELECT version FROM "${schema}".migrations ORDER BY version`)).rows).toEqual(contendedMigrations.map((m) => ({ version: m.version })));
    } finally {
      await pool.end();
    }
  });
});
