import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger, createScheduler, InputError, memorySink } from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { pgPoolClient } from '../pg/client.js';
import { dropSchema, pgUrl, postgresSkipReason, randomSchema } from '../../../../test/support/postgres.js';
import { createSqlSchedulerLock } from './index.js';

const skip = await postgresSkipReason();

/** Poll `check` until it is truthy; fail after `attempts` tries. */
async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(skip)(`createSqlSchedulerLock on PostgreSQL${skip ? ` (${skip})` : ''}`, () => {
  // Two pools stand for two processes: each lock has its own connections and owner.
  const pools = [new pg.Pool({ connectionString: pgUrl, max: 2 }), new pg.Pool({ connectionString: pgUrl, max: 2 })];
  const schemas: string[] = [];
  const children: ChildProcess[] = [];
  const fresh = () => {
    const schema = randomSchema();
    schemas.push(schema);
    return schema;
  };
  const locks = (schema: string) => pools.map((pool, i) => createSqlSchedulerLock({ sql: pgPoolClient(pool, { name: `p${i}` }), schema }));
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(pools.map((p) => p.end()));
    for (const schema of schemas) await dropSchema(schema);
  });

  it('gives a lease to one holder at a time, lets it extend and release, and expires it', async () => {
    const [a, b] = locks(fresh()) as [ReturnType<typeof createSqlSchedulerLock>, ReturnType<typeof createSqlSchedulerLock>];
    const [first, second] = await Promise.all([a.tryAcquire('sync', 60_000), b.tryAcquire('sync', 60_000)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const [holder, other] = first ? [a, b] : [b, a];
    expect(await holder.tryAcquire('sync', 60_000)).toBe(true); // extends its own
    expect(await other.tryAcquire('sync', 60_000)).toBe(false);
    expect(await other.tryAcquire('another-task', 60_000)).toBe(true); // leases are per task
    await other.release('sync'); // not its lease: nothing happens
    expect(await other.tryAcquire('sync', 60_000)).toBe(false);
    await holder.release('sync');
    expect(await other.tryAcquire('sync', 50)).toBe(true);
    // A lease that is not renewed comes free by itself.
    await eventually(() => holder.tryAcquire('sync', 60_000), 'the short lease to expire');
    expect(await other.tryAcquire('sync', 60_000)).toBe(false);
  });

  it('makes two schedulers run a task once between them, and lets the other retry after a failure', async () => {
    const schema = fresh();
    const [lockA, lockB] = locks(schema);
    const logger = createLogger({ sink: memorySink() });
    const schedulers = [createScheduler({ logger, lock: lockA }), createScheduler({ logger, lock: lockB })];
    const runs: number[] = [];
    let fail = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    schedulers.forEach((scheduler, i) =>
      scheduler.schedule({
        id: 'collate',
        frequencyMs: 3_600_000,
        initialDelayMs: 3_600_000,
        fn: async () => {
          runs.push(i);
          if (fail) throw new Error('collation failed');
          await gate;
        },
      }),
    );
    const both = Promise.all(schedulers.map((s) => s.trigger('collate')));
    await eventually(async () => runs.length > 0, 'a run');
    release();
    await both;
    expect(runs).toHaveLength(1);
    // The period is not over: the other process does not run it (the holder's own lease would
    // let it, as its next tick does).
    const holder = runs[0]!;
    await schedulers[1 - holder]!.trigger('collate');
    expect(runs).toHaveLength(1);
    // A failed run gives the lease back, so the next trigger anywhere runs it again.
    fail = true;
    await schedulers[holder]!.trigger('collate');
    expect(runs).toHaveLength(2);
    fail = false;
    await schedulers[1 - holder]!.trigger('collate');
    expect(runs).toEqual([holder, holder, 1 - holder]);
    await Promise.all(schedulers.map((s) => s.stop()));
  });

  it('hands the task to another process when the holder is killed', async () => {
    const schema = fresh();
    await pools[0]!.query(`CREATE SCHEMA "${schema}"`);
    await pools[0]!.query(`CREATE TABLE "${schema}".runs (id serial PRIMARY KEY, name text NOT NULL)`);
    const worker = fileURLToPath(new URL('../__workers__/scheduled-task.ts', import.meta.url));
    const start = (name: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, pgUrl, schema, name, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      return child;
    };
    const processes = { a: start('a'), b: start('b') };
    const runs = async () => (await pools[0]!.query<{ name: string }>(`SELECT name FROM "${schema}".runs ORDER BY id`)).rows.map((r) => r.name);
    const [first] = await eventually(async () => ((await runs()).length > 0 ? runs() : undefined), 'the first run');
    // Both processes keep ticking every second; the holder keeps renewing, so nobody else runs.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await runs()).toEqual([first]);
    const holder = first as 'a' | 'b';
    const other = holder === 'a' ? 'b' : 'a';
    processes[holder].kill('SIGKILL');
    expect(await eventually(async () => ((await runs()).length > 1 ? runs() : undefined), 'the takeover')).toEqual([holder, other]);
  }, 60_000);

  it('rejects bad options and arguments, naming the factory', async () => {
    const sql = pgPoolClient(pools[0]!, { name: 'p' });
    expect(() => createSqlSchedulerLock({ sql, schema: 'bad"; DROP' })).toThrow(/createSqlSchedulerLock: invalid schema name/);
    expect(() => createSqlSchedulerLock({ sql: undefined as never })).toThrow(InputError);
    const lock = createSqlSchedulerLock({ sql, schema: fresh() });
    await expect(lock.tryAcquire('', 1000)).rejects.toThrow(InputError);
    await expect(lock.tryAcquire('t', Number.NaN)).rejects.toThrow(/ttlMs/);
    // A task id is stored as a parameter, never as SQL text.
    expect(await lock.tryAcquire("x'); DROP TABLE runs; --", 1000)).toBe(true);
  });
});
