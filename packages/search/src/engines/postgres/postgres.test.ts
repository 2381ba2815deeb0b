import type { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runEngineContract } from '../contract.js';
import type { SearchEngine } from '../types.js';
import { postgresEngine } from './index.js';
import { migrate } from './migrations.js';
import { pgPoolClient } from '@portalkit/sql';
import { connectTestPool, pgUrl, randomSchema } from '../../../../../test/support/postgres.js';

const connection = await connectTestPool();

if ('skip' in connection) {
  describe.skip(`postgresEngine: ${connection.skip}`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  const pool: Pool = connection.pool;
  const schemas: string[] = [];
  const fresh = () => {
    const schema = randomSchema();
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  runEngineContract({ name: 'postgres', create: () => postgresEngine({ pool, schema: fresh() }) });
  runEngineContract({ name: 'postgres with fuzzy', create: () => postgresEngine({ pool, schema: fresh(), fuzzy: true }) });

  describe('postgresEngine specifics', () => {
    it('migrates once, idempotently, even when started concurrently', async () => {
      const schema = fresh();
      const client = pgPoolClient(pool, { name: 'test' });
      await Promise.all([migrate(client, schema), migrate(client, schema), migrate(client, schema)]);
      await migrate(client, schema);
      const { rows } = await pool.query(`SELECT version FROM "${schema}".schema_migrations`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
    });

    it('keys documents indexed before migration 3 by their location hash, keeping them', async () => {
      const schema = fresh();
      const before = postgresEngine({ pool, schema });
      await before.upsert([{ type: 't', title: 'Old', text: 'kept', location: '/a' }]);
      // Back to the version 2 layout: primary key on the location's text.
      await pool.query(`ALTER TABLE "${schema}".documents DROP CONSTRAINT documents_pkey`);
      await pool.query(`ALTER TABLE "${schema}".documents DROP COLUMN location_key`);
      await pool.query(`ALTER TABLE "${schema}".documents ADD PRIMARY KEY (type, location)`);
      await pool.query(`DELETE FROM "${schema}".schema_migrations WHERE version = 3`);
      const engine = postgresEngine({ pool, schema });
      expect((await engine.query({ term: 'kept' })).results.map((r) => r.document.title)).toEqual(['Old']);
      await engine.upsert([{ type: 't', title: 'New', text: 'kept', location: '/a' }]);
      expect((await engine.query({ term: 'kept' })).results.map((r) => r.document.title)).toEqual(['New']);
      await engine.remove('t', ['/a']);
      expect((await engine.query({ term: 'kept' })).numberOfResults).toBe(0);
    });

    it('ranks documents indexed before migration 5 by their stored title form once migrated', async () => {
      const schema = fresh();
      const before = postgresEngine({ pool, schema });
      await before.upsert([
        { type: 't', title: 'Body', text: 'the ledger service keeps the ledger of the ledger', location: '/body' },
        { type: 't', title: 'Ledger!', text: 'books', location: '/title' },
      ]);
      // Back to the version 4 layout: no stored title form.
      await pool.query(`ALTER TABLE "${schema}".documents DROP COLUMN title_key`);
      await pool.query(`DELETE FROM "${schema}".schema_migrations WHERE version = 5`);
      const engine = postgresEngine({ pool, schema });
      expect((await engine.query({ term: 'ledger' })).results.map((r) => r.document.location)).toEqual(['/title', '/body']);
      await Promise.all([before.close(), engine.close()]);
    });

    it('continues cursor pages from its kept ranking, and not after another engine on the schema wrote', async () => {
      const schema = fresh();
      const docs = Array.from({ length: 30 }, (_, i) => ({ type: 't', title: `Doc ${i}`, text: `shared ${'word '.repeat(i % 7)}`, location: `/d/${i}` }));
      const [a, b] = [postgresEngine({ pool, schema }), postgresEngine({ pool, schema })];
      await a.index('t', docs);
      const pageOf = (r: Awaited<ReturnType<SearchEngine['query']>>) => r.results.map((x) => `${x.rank} ${x.document.location}`);
      const first = await a.query({ term: 'shared', pageLimit: 10 });
      // The same pages as a fresh engine (no kept ranking) computes them.
      const second = await a.query({ term: 'shared', pageLimit: 10, pageCursor: first.nextPageCursor! });
      const c = postgresEngine({ pool, schema });
      const fresh2 = await c.query({ term: 'shared', pageLimit: 10, pageCursor: first.nextPageCursor! });
      await c.close();
      expect(pageOf(second)).toEqual(pageOf(fresh2));
      expect(second.numberOfResults).toBe(30);
      // Another process removes a hit of the next page and adds a new one: `a` must not serve its kept ranking.
      const gone = second.results[0]!.document.location;
      await b.remove('t', [gone]);
      await b.upsert([{ type: 't', title: 'shared', text: 'shared', location: '/new' }]);
      const third = await a.query({ term: 'shared', pageLimit: 10, pageCursor: first.nextPageCursor! });
      expect(third.numberOfResults).toBe(30);
      expect(pageOf(third)).not.toContain(`11 ${gone}`);
      expect(pageOf(third)).toEqual(pageOf(await b.query({ term: 'shared', pageLimit: 10, pageCursor: first.nextPageCursor! })));
      await Promise.all([a.close(), b.close()]);
    });

    it('does not continue from a ranking read while another process committed, even if that process ends right after', async () => {
      const schema = fresh();
      // The writer's pool: \`beforeCommit\` runs while its transaction is done but not committed;
      // once committed, the process is gone and nothing it sends reaches the server.
      let beforeCommit: (() => Promise<void>) | undefined;
      let ended = false;
      const gone = () => Promise.reject(new Error('the process ended'));
      const bind = <T extends object>(target: T, key: PropertyKey) => {
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      };
      const dying = new Proxy(pool, {
        get(target, key) {
          if (key === 'query') return (...args: Parameters<Pool['query']>) => (ended ? gone() : target.query(...args));
          if (key !== 'connect') return bind(target, key);
          return async () => {
            const conn = await target.connect();
            return new Proxy(conn, {
              get(c, k) {
                if (k !== 'query') return bind(c, k);
                return async (...args: Parameters<typeof c.query>) => {
                  if (ended) return gone();
                  const commit = args[0] === 'COMMIT' && beforeCommit;
                  if (commit) await beforeCommit!();
                  const result = await c.query(...args);
                  if (commit) ended = true;
                  return result;
                };
              },
            });
          };
        },
      }) as Pool;
      const docs = Array.from({ length: 30 }, (_, i) => ({ type: 't', title: `Doc ${i}`, text: `shared ${'word '.repeat(i % 7)}`, location: `/d/${i}` }));
      const [reader, writer] = [postgresEngine({ pool, schema }), postgresEngine({ pool: dying, schema })];
      await reader.index('t', docs);
      await writer.query({ term: 'shared' });
      const before = await reader.query({ term: 'shared', pageLimit: 10 });
      const removed = (await reader.query({ term: 'shared', pageLimit: 10, pageCursor: before.nextPageCursor! })).results[1]!.document.location;
      // The reader ranks the first page while the removal is written but not yet committed.
      let first: Awaited<ReturnType<SearchEngine['query']>> | undefined;
      beforeCommit = async () => {
        first = await reader.query({ term: 'shared', pageLimit: 10 });
      };
      await writer.remove('t', [removed]);
      expect(ended).toBe(true);
      expect(first!.numberOfResults).toBe(30);
      const next = await reader.query({ term: 'shared', pageLimit: 10, pageCursor: first!.nextPageCursor! });
      const fresh2 = postgresEngine({ pool, schema });
      const expected = await fresh2.query({ term: 'shared', pageLimit: 10, pageCursor: first!.nextPageCursor! });
      expect(next.numberOfResults).toBe(29);
      expect(next.results.map((r) => `${r.rank} ${r.document.location}`)).toEqual(expected.results.map((r) => `${r.rank} ${r.document.location}`));
      await Promise.all([reader.close(), writer.close(), fresh2.close()]);
    });

    it('stems with the configured language besides matching words as written', async () => {
      const engine = postgresEngine({ pool, schema: fresh() });
      await engine.upsert([{ type: 't', title: 'Billing', text: 'The services we run', location: '/a' }]);
      expect((await engine.query({ term: 'service' })).numberOfResults).toBe(1);
      expect((await engine.query({ term: 'running' })).numberOfResults).toBe(1);
      const simple = postgresEngine({ pool, schema: fresh(), language: 'simple' });
      await simple.upsert([{ type: 't', title: 'Billing', text: 'The services we run', location: '/a' }]);
      expect((await simple.query({ term: 'running' })).numberOfResults).toBe(0);
    });

    it('drops NUL characters instead of failing the batch', async () => {
      const engine = postgresEngine({ pool, schema: fresh() });
      await engine.upsert([{ type: 't', title: 'nul\u0000title', text: 'x', location: '/a', owner: 'a\u0000b' }]);
      const { results } = await engine.query({ term: 'nultitle' });
      expect(results[0]?.document.title).toBe('nultitle');
    });

    it('stores lone surrogates (a catalog author can write "\\ud800" in YAML) as U+FFFD instead of failing the batch', async () => {
      const engine = postgresEngine({ pool, schema: fresh() });
      await engine.upsert([
        { type: 't', title: 'half \ud800 pair', text: 'x', location: '/a', owner: '\udc00b' },
        { type: 't', title: 'neighbour', text: 'x', location: '/b' },
      ]);
      const { results } = await engine.query({ term: 'half' });
      expect(results[0]?.document.title).toBe('half \ufffd pair');
      expect((await engine.query({ term: 'neighbour' })).numberOfResults).toBe(1);
    });

    it('matches misspelled words only with fuzzy on, highlights them, and never revives removed documents', async () => {
      const schema = fresh();
      const docs = [
        { type: 't', title: 'Ledger', text: 'Keeps the accounting ledger on port 5000', location: '/ledger' },
        { type: 't', title: 'Payments', text: 'Handles card transactions', location: '/payments' },
      ];
      const plain = postgresEngine({ pool, schema });
      await plain.upsert(docs);
      expect(plain.features.fuzzy).toBe(false);
      expect((await plain.query({ term: 'transactoins' })).numberOfResults).toBe(0);

      const engine = postgresEngine({ pool, schema: fresh(), fuzzy: true });
      expect(engine.features.fuzzy).toBe(true);
      await engine.upsert(docs);
      const { results } = await engine.query({ term: 'ledgr' });
      expect(results.map((r) => r.document.location)).toEqual(['/ledger']);
      expect(results[0]?.highlight?.fields.title).toBe('<mark>Ledger</mark>');
      // Every word must still match, the misspelled one through a similar word.
      expect((await engine.query({ term: 'card transactoins' })).results.map((r) => r.document.location)).toEqual(['/payments']);
      expect((await engine.query({ term: 'ledgr transactoins' })).numberOfResults).toBe(0);
      // Numbers are not misspelled words.
      expect((await engine.query({ term: '5000' })).numberOfResults).toBe(1);
      expect((await engine.query({ term: '5001' })).numberOfResults).toBe(0);

      await engine.remove('t', ['/ledger']);
      expect((await engine.query({ term: 'ledgr' })).numberOfResults).toBe(0);
      await plain.close();
      await engine.close();
    });

    it('survives the server dropping its own pool\'s idle connections (the process must not end)', async () => {
      const schema = fresh();
      const app = `pk_search_${schema}`;
      const crashes: unknown[] = [];
      const onCrash = (error: unknown) => void crashes.push(error);
      process.on('uncaughtException', onCrash);
      const engine = postgresEngine({ connectionString: `${pgUrl}?application_name=${app}`, schema });
      try {
        await engine.upsert([{ type: 't', title: 'kept', text: 'x', location: '/a' }]);
        await Promise.all([engine.query({ term: 'kept' }), engine.query({ term: 'x' })]);
        const { rows } = await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
        expect(rows.length).toBeGreaterThan(0);
        // Wait until the server has let them go, so their sockets have closed on our side too.
        for (let i = 0; i < 500; i++) {
          const left = await pool.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [app]);
          if (left.rows.length === 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await new Promise((r) => setImmediate(r));
        expect((await engine.query({ term: 'kept' })).numberOfResults).toBe(1);
        expect(crashes.map(String)).toEqual([]);
      } finally {
        process.off('uncaughtException', onCrash);
        await engine.close();
      }
    });

    it('rejects bad options at creation, naming the engine', () => {
      expect(() => postgresEngine({ pool, fuzzy: 1.5 })).toThrow(/postgresEngine: fuzzy/);
      expect(() => postgresEngine({ pool, schema: 'bad-name;' })).toThrow(/postgresEngine: invalid schema name/);
      expect(() => postgresEngine({ pool, language: "english'" })).toThrow(/postgresEngine: language/);
      expect(() => postgresEngine({})).toThrow(/postgresEngine/);
    });
  });
}
